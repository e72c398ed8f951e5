/** The sample service: parallel runs started over REST and watched on a live dashboard. */
package io.github.parallelized.sample;
