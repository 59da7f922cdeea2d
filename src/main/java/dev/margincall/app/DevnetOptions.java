package dev.margincall.app;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by the commands that start a devnet. */
final class DevnetOptions {

    @Option(names = "--users", defaultValue = "200", description = "Borrowers to seed (default: ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the borrowers: the same seed gives the same accounts (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", defaultValue = "deployment.json", description = "Where to write the deployment's addresses (default: ${DEFAULT-VALUE}).")
    Path out;

    void validate(picocli.CommandLine.Model.CommandSpec spec) {
        if (users < 0 || users > 100_000) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--users must be between 0 and 100000, got " + users);
        }
    }
}
