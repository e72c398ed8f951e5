package io.github.parallelized.hazelcast;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The default version of a registered function: a hash of the class file that defines it. A lambda or
 * method reference is a hidden class without a class file of its own, so the class that wrote it is hashed,
 * which changes whenever that class is rebuilt with other code; two members built from the same jar agree.
 */
final class CodeVersion {

    private CodeVersion() {
    }

    static String of(Object function) {
        Class<?> type = function.getClass();
        String name = type.getName();
        int lambda = name.indexOf("$$Lambda");
        String defining = lambda >= 0 ? name.substring(0, lambda) : name;
        ClassLoader loader = type.getClassLoader() != null ? type.getClassLoader() : ClassLoader.getSystemClassLoader();
        try (InputStream in = loader.getResourceAsStream(defining.replace('.', '/') + ".class")) {
            if (in == null) {
                return defining;
            }
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(in.readAllBytes());
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (IOException | NoSuchAlgorithmException e) {
            return defining;
        }
    }
}
