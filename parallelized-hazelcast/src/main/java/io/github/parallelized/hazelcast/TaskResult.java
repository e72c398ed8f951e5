package io.github.parallelized.hazelcast;

import java.io.IOException;
import java.util.concurrent.CancellationException;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.internal.serialization.impl.HeapData;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import com.hazelcast.spi.impl.SerializationServiceSupport;

import io.github.parallelized.Errors;

/**
 * A member's answer to one task: the result or the thrown error, each already serialized on the member (so
 * that an unserializable result becomes that task's failure there, not a broken response), or the news that
 * the task was cancelled before it started.
 */
final class TaskResult implements IdentifiedDataSerializable {

    static final byte SUCCESS = 0;
    static final byte FAILURE = 1;
    static final byte CANCELLED_BEFORE_START = 2;
    /** The member has no such function (or no ParallelizedCluster): another member may; the payload says why. */
    static final byte NOT_HERE = 3;

    byte kind;
    byte[] payload;
    /** The member's address, for messages. */
    String member;

    TaskResult() {
    }

    private TaskResult(byte kind, byte[] payload, String member) {
        this.kind = kind;
        this.payload = payload;
        this.member = member;
    }

    /** Hazelcast's serialization, the same on members and clients (an internal but long-stable interface). */
    static SerializationService serialization(HazelcastInstance instance) {
        return ((SerializationServiceSupport) instance).getSerializationService();
    }

    static TaskResult success(byte[] result, String member) {
        return new TaskResult(SUCCESS, result, member);
    }

    static TaskResult cancelledBeforeStart(String member) {
        return new TaskResult(CANCELLED_BEFORE_START, null, member);
    }

    /** The member cannot run the function: not registered there (yet); the submitter tries another member. */
    static TaskResult notHere(ClusterTaskException why, SerializationService serialization, String member) {
        return new TaskResult(NOT_HERE, bytes(serialization, why), member);
    }

    /**
     * A failure; an error that Hazelcast cannot serialize (it throws anything, an {@code Error} included, while being
     * written) travels as a {@link ClusterTaskException} with its text, read so that an error whose
     * {@code getMessage()} or {@code getStackTrace()} throws is still described: this never throws, so that one task's
     * error never fails the other tasks of its batch.
     */
    static TaskResult failure(Throwable error, SerializationService serialization, String member) {
        byte[] payload;
        try {
            payload = bytes(serialization, error);
        } catch (Throwable notSerializable) {
            ClusterTaskException stand = new ClusterTaskException(text(error) + " (thrown on member " + member + "; the exception itself cannot be serialized: "
                    + Errors.describe(notSerializable, false) + ")", null);
            try {
                stand.setStackTrace(error.getStackTrace());
            } catch (Throwable lying) {
                stand.setStackTrace(new StackTraceElement[0]);
            }
            payload = bytes(serialization, stand);
        }
        return new TaskResult(FAILURE, payload, member);
    }

    /** {@code class: message}, also for an error whose {@code getMessage()} throws. */
    private static String text(Throwable error) {
        String message;
        try {
            message = error.getMessage();
        } catch (Throwable lying) {
            return error.getClass().getName() + " (its getMessage() threw " + lying.getClass().getSimpleName() + ")";
        }
        return message == null ? error.getClass().getName() : error.getClass().getName() + ": " + message;
    }

    static byte[] bytes(SerializationService serialization, Object value) {
        var data = serialization.toData(value);
        return data == null ? null : data.toByteArray();
    }

    static Object object(SerializationService serialization, byte[] bytes) {
        return bytes == null ? null : serialization.toObject(new HeapData(bytes));
    }

    /** The result for the submitter's task function: returns it, or throws what the task threw. */
    Object unwrap(SerializationService serialization, String function) throws Exception {
        if (kind == CANCELLED_BEFORE_START) {
            throw new CancellationException("Cluster task '" + function + "' was cancelled before it started on member "
                    + member);
        }
        Object value;
        try {
            value = object(serialization, payload);
        } catch (Throwable e) {
            // an Error too (a readObject that throws one): that input's failure, naming what could not be read
            throw new ClusterTaskException("The " + (kind == SUCCESS ? "result" : "error") + " of cluster task '"
                    + function + "' from member " + member + " cannot be deserialized on the submitter: "
                    + Errors.describe(e, false), e);
        }
        if (kind == SUCCESS) {
            return value;
        }
        if (value instanceof Exception e) {
            throw e;
        }
        if (value instanceof Error e) {
            throw e;
        }
        throw new ClusterTaskException("Cluster task '" + function + "' threw on member " + member, (Throwable) value);
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeString(member);
        writeAnswer(out);
    }

    /** The answer without the member, which a batch's results write once. */
    void writeAnswer(ObjectDataOutput out) throws IOException {
        out.writeByte(kind);
        out.writeByteArray(payload);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        member = in.readString();
        readAnswer(in);
    }

    void readAnswer(ObjectDataInput in) throws IOException {
        kind = in.readByte();
        payload = in.readByteArray();
    }

    @Override
    public int getFactoryId() {
        return Wire.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return Wire.RESULT;
    }
}
