package io.sluice.cli;

import io.sluice.orchestrator.signaling.JoinToken;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code sluice token <room> <user>}: a demo join token (an HS256 JWT with an expiry, optionally
 * single use), made by the stub's own {@link JoinToken} (so it is whatever the stub accepts), and
 * the demo page's address with it.
 */
@Command(name = "token", description = "Make a demo join token for the orchestrator stub, and the page address.")
final class TokenCommand implements Callable<Integer> {

    @ParentCommand
    private SluiceCli cli;

    @Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ROOM")
    private String roomId;

    @Parameters(index = "1", paramLabel = "USER")
    private String userId;

    @Option(names = "--join-secret", defaultValue = "${env:JOIN_SECRET:-}",
            description = "The stub's JOIN_SECRET (env JOIN_SECRET; prefer the variable: flags show in ps).")
    private String joinSecret;

    @Option(names = "--permissions", split = ",", defaultValue = "audio,video",
            description = "What the peer may publish: audio, video, both or none (\"\"); default ${DEFAULT-VALUE}.")
    private List<String> permissions;

    @Option(names = "--ttl-seconds", defaultValue = "3600",
            description = "How long the token is valid (its exp claim); default ${DEFAULT-VALUE}.")
    private long ttlSeconds;

    @Option(names = "--single-use", description = "Give the token a random jti: the stub accepts it for one join only.")
    private boolean singleUse;

    @Option(names = "--page-url", defaultValue = "${env:PAGE_URL:-http://127.0.0.1:3000/}",
            description = "The stub's demo page (env PAGE_URL, default ${DEFAULT-VALUE}).")
    private String pageUrl;

    @Override
    public Integer call() throws Exception {
        if (joinSecret.isEmpty()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "Missing option '--join-secret' (env JOIN_SECRET): the stub's secret signs the token");
        }
        Set<String> allowed = Set.copyOf(permissions.stream().filter(p -> !p.isBlank()).toList());
        for (String permission : allowed) {
            if (!permission.equals(JoinToken.AUDIO) && !permission.equals(JoinToken.VIDEO)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "Invalid value for option '--permissions': \"" + permission + "\" is not audio or video");
            }
        }
        if (ttlSeconds < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "Invalid value for option '--ttl-seconds': " + ttlSeconds + " is not 1 or more");
        }
        String token = new JoinToken(userId, roomId, allowed).sign(joinSecret.getBytes(StandardCharsets.UTF_8),
                Instant.now().plusSeconds(ttlSeconds), singleUse ? UUID.randomUUID().toString() : null);
        Map<String, String> row = new LinkedHashMap<>();
        row.put("room", roomId);
        row.put("user", userId);
        row.put("token", token);
        row.put("page", pageUrl + "?room=" + URLEncoder.encode(roomId, StandardCharsets.UTF_8)
                + "&token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
        Output.rows(SluiceCli.out(spec), cli.json, List.copyOf(row.keySet()), List.of(row));
        return 0;
    }
}
