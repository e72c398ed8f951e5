package io.github.parallelized.hazelcast;

import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import io.github.parallelized.TaskFunction;

/** The functions registered by name on one Hazelcast instance. Thread-safe. */
final class TaskRegistry {

    static final int MAX_NAME_LENGTH = 200;

    record Registered(String name, String version, TaskFunction<Object, Object> function) {
    }

    private final Map<String, Registered> functions = new ConcurrentHashMap<>();

    @SuppressWarnings("unchecked")
    void register(String name, String version, TaskFunction<?, ?> function) {
        checkName(name);
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(function, "function");
        if (version.isBlank()) {
            throw new IllegalArgumentException("version must not be blank");
        }
        Registered registered = new Registered(name, version, (TaskFunction<Object, Object>) function);
        Registered before = functions.putIfAbsent(name, registered);
        if (before != null) {
            throw new IllegalStateException("A cluster task named '" + name + "' is already registered (version "
                    + before.version() + "); unregister it first to replace it");
        }
    }

    static void checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank() || name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("name must be 1 to " + MAX_NAME_LENGTH + " characters and not blank, was '"
                    + name + "'");
        }
    }

    boolean unregister(String name) {
        return functions.remove(Objects.requireNonNull(name, "name")) != null;
    }

    Registered get(String name) {
        return functions.get(name);
    }

    boolean isEmpty() {
        return functions.isEmpty();
    }

    String names() {
        return new TreeSet<>(functions.keySet()).toString();
    }
}
