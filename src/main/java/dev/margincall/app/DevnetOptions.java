package dev.margincall.app;

import dev.margincall.devnet.AaveVersion;
import dev.margincall.devnet.AnvilOptions;
import dev.margincall.devnet.AnvilProcess;
import dev.margincall.devnet.DeploymentFile;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.DevnetProtocol;
import dev.margincall.devnet.MarketSpec;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** Options shared by the commands that start a devnet. */
final class DevnetOptions {

    @Option(names = "--users", defaultValue = "200", description = "Borrowers to seed (default: ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the borrowers: the same seed gives the same accounts (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", defaultValue = "deployment.json", description = "Where to write the deployment's addresses (default: ${DEFAULT-VALUE}).")
    Path out;

    /** Checks the options, starts Anvil on {@code port} (0: any free one), deploys one market, seeds and writes {@link #out}. */
    Devnet launch(CommandSpec spec, int port) {
        return launch(spec, port, 1);
    }

    /** The same with {@code markets} Aave markets, each with {@link #users} borrowers of its own. */
    Devnet launch(CommandSpec spec, int port, int markets) {
        return launch(spec, port, markets, AaveVersion.DEFAULT);
    }

    /** The same with every market on Aave {@code aave}. */
    Devnet launch(CommandSpec spec, int port, int markets, AaveVersion aave) {
        return launch(spec, port, markets, aave, java.util.EnumSet.of(DevnetProtocol.AAVE_V3));
    }

    /** The same with {@code protocols} (Morpho Blue beside Aave: each Morpho market gets {@link #users} borrowers too). */
    Devnet launch(CommandSpec spec, int port, int markets, AaveVersion aave, java.util.Set<DevnetProtocol> protocols) {
        if (users < 0 || users > 100_000) {
            throw new ParameterException(spec.commandLine(), "--users must be between 0 and 100000, got " + users);
        }
        int available = MarketSpec.all().size();
        if (markets < 1 || markets > available) {
            throw new ParameterException(spec.commandLine(), "--markets must be between 1 and " + available + ", got " + markets);
        }
        Devnet devnet = Devnet.launch(AnvilProcess.start(AnvilOptions.devnetFor(Devnet.positions(users, markets, protocols)).withPort(port)), users, seed, markets, aave, protocols);
        DeploymentFile.write(devnet.deployment(), out);
        return devnet;
    }
}
