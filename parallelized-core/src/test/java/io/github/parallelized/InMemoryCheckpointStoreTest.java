package io.github.parallelized;

class InMemoryCheckpointStoreTest extends CheckpointStoreContract {

    private final CheckpointStore store = CheckpointStore.inMemory();

    @Override
    CheckpointStore store() {
        return store;
    }
}
