package io.sluice.worker.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway certificate authority made by openssl, with a server certificate for 127.0.0.1 and
 * a client certificate it signed; keys are ECDSA P-256 in PKCS#8 PEM, as docs/security.md asks.
 */
public record TestCertificates(Path ca, Path serverCertificate, Path serverKey, Path clientCertificate,
        Path clientKey) {

    public static TestCertificates create(Path directory) {
        Path openssl = ExternalTool.require("openssl", "openssl");
        TestCertificates files = new TestCertificates(directory.resolve("ca.crt"), directory.resolve("server.crt"),
                directory.resolve("server.key"), directory.resolve("client.crt"), directory.resolve("client.key"));
        Path caKey = directory.resolve("ca.key");
        run(directory, openssl.toString(), "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", caKey.toString(), "-out", files.ca().toString(), "-days", "2", "-subj", "/CN=sluice test CA");
        signed(directory, openssl, files, "server", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth");
        signed(directory, openssl, files, "client", "extendedKeyUsage=clientAuth");
        return files;
    }

    private static void signed(Path directory, Path openssl, TestCertificates files, String name, String extensions) {
        Path request = directory.resolve(name + ".csr");
        Path extensionFile = directory.resolve(name + ".ext");
        try {
            Files.writeString(extensionFile, extensions + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        run(directory, openssl.toString(), "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", directory.resolve(name + ".key").toString(), "-out", request.toString(),
                "-subj", "/CN=sluice test " + name);
        run(directory, openssl.toString(), "x509", "-req", "-in", request.toString(), "-CA", files.ca().toString(),
                "-CAkey", directory.resolve("ca.key").toString(), "-CAcreateserial", "-days", "2",
                "-out", directory.resolve(name + ".crt").toString(), "-extfile", extensionFile.toString());
    }

    private static void run(Path directory, String... command) {
        try {
            Process process = new ProcessBuilder(new ArrayList<>(List.of(command))).directory(directory.toFile())
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
