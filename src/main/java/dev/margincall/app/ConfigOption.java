package dev.margincall.app;

import dev.margincall.app.config.ConfigLoader;
import dev.margincall.app.config.KeeperConfig;
import java.nio.file.Path;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * {@code --config}, shared by the commands that read a configuration file (a picocli mixin), and where
 * they read its {@code ${VAR}} placeholders and the signer's secrets: {@link MarginCall#environment}, the
 * process environment unless a test put its own there.
 */
final class ConfigOption {

    @Option(names = "--config", required = true, description = "YAML configuration (examples in config/); run, dry-run, fork and "
            + "deploy-liquidator need its execution section.")
    Path file;

    KeeperConfig load() {
        return ConfigLoader.load(file, environment());
    }

    Function<String, String> environment() {
        return MarginCall.environment;
    }

    /** The file as given, to name it in messages. */
    String name() {
        return file.toString();
    }
}
