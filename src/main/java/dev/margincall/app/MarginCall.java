package dev.margincall.app;

import dev.margincall.app.config.ChainMismatchException;
import dev.margincall.app.config.ConfigException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code margin-call}: the command-line entry point. */
@Command(name = "margin-call",
        mixinStandardHelpOptions = true,
        versionProvider = MarginCall.Version.class,
        description = "Liquidation keeper for EVM lending protocols.",
        subcommands = {ScanCommand.class, ReportCommand.class, KeeperCommand.Run.class, KeeperCommand.DryRun.class, DeployLiquidatorCommand.class, CheckConfigCommand.class, ForkCommand.class, DemoCommand.class, DevnetCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class MarginCall {

    /** Exit codes scripts can rely on. */
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int BAD_USAGE = 2;
    public static final int CHAIN_MISMATCH = 3;

    /** Where commands read secrets and placeholders; tests give their own instead of the process environment. */
    static volatile java.util.function.Function<String, String> environment = System::getenv;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new MarginCall());
        commandLine.setOut(out);
        commandLine.setErr(err);
        // Users get the reason, not a stack trace: every failure we expect carries a message saying what to do.
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("margin-call " + cmd.getCommandName() + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return e instanceof ConfigException ? BAD_USAGE : e instanceof ChainMismatchException ? CHAIN_MISMATCH : FAILED;
        });
        return commandLine.execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = MarginCall.class.getPackage().getImplementationVersion();
            return new String[] {"margin-call " + (version == null ? "development build" : version),
                    "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}
