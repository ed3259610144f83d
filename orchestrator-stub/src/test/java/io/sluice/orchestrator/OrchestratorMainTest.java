package io.sluice.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line: help, and one-line errors for bad values (nothing is started for those). */
class OrchestratorMainTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine commandLine = OrchestratorMain.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void helpListsEveryOptionWithItsVariable() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("--nats-url", "NATS_URL", "--redis-url", "REDIS_URL", "--http-port",
                "--join-secret", "JOIN_SECRET",
                "HTTP_PORT", "default 3000");
    }

    @Test
    void badValuesAreOneLineErrorsWithStatusTwo() {
        String[][] cases = {
            {"--http-port", "70000"},
            {"--http-port", "0"},
            {"--http-port", "abc"},
            {"--nats-url", "http://127.0.0.1:4222"},
            {"--nats-url", "nats://"},
            {"--redis-url", "redis://"},
            {"--redis-url", "127.0.0.1:6379"},
            {"--no-such-option"},
            {"--join-secret", ""},
        };
        for (String[] args : cases) {
            err.getBuffer().setLength(0);

            int status = run(args);

            assertThat(status).as(String.join(" ", args)).isEqualTo(2);
            assertThat(err.toString().strip()).as(String.join(" ", args))
                    .startsWith("sluice-orchestrator: ")
                    .doesNotContain("\n");
        }
    }

    @Test
    void anUnreachableNatsServerIsAOneLineErrorWithStatusOne() {
        int status = run("--nats-url", "nats://127.0.0.1:1", "--redis-url", "redis://127.0.0.1:1",
                "--join-secret", "secret");

        assertThat(status).isEqualTo(1);
        assertThat(err.toString().strip()).startsWith("sluice-orchestrator: ").doesNotContain("\n");
    }

    @Test
    void credentialsInUrlsNeverReachTheErrorOutput() {
        int status = run("--nats-url", "nats://backend:s3cretNats@127.0.0.1:1",
                "--redis-url", "redis://:s3cretRedis@127.0.0.1:1", "--join-secret", "secret");
        int badUrl = run("--nats-url", "http://backend:s3cretNats@127.0.0.1:4222", "--join-secret", "secret");

        assertThat(status).isEqualTo(1);
        assertThat(badUrl).isEqualTo(2);
        assertThat(err.toString()).contains("***@").doesNotContain("s3cretNats", "s3cretRedis");
    }

    @Test
    void twoNatsAuthenticationMethodsAreAOneLineError() {
        int status = run("--nats-token", "t", "--nats-user", "u", "--nats-password", "p", "--join-secret", "secret");

        assertThat(status).isEqualTo(2);
        assertThat(err.toString().strip()).contains("one method").doesNotContain("\n");
    }
}
