package io.github.parallelized;

/**
 * Seven longs that a hot object extends so that its own fields, laid out after a superclass's, share no cache line
 * with what lies before it in memory. The fields after them are padded by each class itself (a class cannot put a
 * superclass's fields after its own).
 */
abstract class CacheLinePadding {
    long p01;
    long p02;
    long p03;
    long p04;
    long p05;
    long p06;
    long p07;
}
