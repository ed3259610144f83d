package io.sluice.worker.config;

import java.util.EnumMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The command line of {@code sluice-worker}: one flag per {@link Setting}, built from that table
 * so that flags, variables and the help never drift apart.
 */
public final class WorkerCommandLine {

    public static final String PROGRAM = "sluice-worker";

    /** What the command line asked for: the help, the version, or a run with this config. */
    public record Parsed(boolean helpRequested, boolean versionRequested, WorkerConfig config) {}

    private WorkerCommandLine() {}

    public static Parsed parse(String[] args, Map<String, String> env) throws ConfigException {
        return parse(args, env, HostFacts.current(env));
    }

    static Parsed parse(String[] args, Map<String, String> env, HostFacts facts) throws ConfigException {
        ParseResult result;
        try {
            result = new CommandLine(spec(facts)).parseArgs(args);
        } catch (ParameterException e) {
            throw new ConfigException(firstLine(e.getMessage()) + " (see --help)");
        }
        if (result.isUsageHelpRequested()) {
            return new Parsed(true, false, null);
        }
        if (result.isVersionHelpRequested()) {
            return new Parsed(false, true, null);
        }
        Map<Setting, String> flags = new EnumMap<>(Setting.class);
        for (Setting setting : Setting.values()) {
            if (result.hasMatchedOption(setting.flag())) {
                flags.put(setting, result.matchedOptionValue(setting.flag(), ""));
            }
        }
        return new Parsed(false, false, WorkerConfig.resolve(flags, env, facts));
    }

    public static String usage(Map<String, String> env) {
        return usage(HostFacts.current(env));
    }

    static String usage(HostFacts facts) {
        return new CommandLine(spec(facts)).getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    private static CommandSpec spec(HostFacts facts) {
        CommandSpec spec = CommandSpec.create().name(PROGRAM);
        spec.usageMessage()
                .description(
                        "A Sluice WebRTC SFU worker process, driven over NATS with protobuf.",
                        "Each option can be set by the environment variable shown; a flag wins over it.")
                .sortOptions(false)
                .width(110);
        for (Setting setting : Setting.values()) {
            spec.addOption(OptionSpec.builder(setting.flag())
                    .paramLabel(setting.paramLabel())
                    .type(String.class)
                    .arity("1")
                    .description(setting.description(),
                            "Env " + setting.variable() + ", default: " + defaultShown(setting, facts) + ".")
                    .build());
        }
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("Show this help and exit.").build());
        spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true)
                .description("Print the version and exit.").build());
        return spec;
    }

    private static String defaultShown(Setting setting, HostFacts facts) {
        return switch (setting) {
            case WORKER_ID -> setting.defaultDescription() + " (here " + facts.defaultWorkerIdPrefix() + ")";
            case WORKERS -> setting.defaultDescription() + " (here " + facts.cores() + ")";
            default -> setting.defaultDescription();
        };
    }

    private static String firstLine(String message) {
        String text = message == null ? "invalid arguments" : message.strip();
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline).strip();
    }
}
