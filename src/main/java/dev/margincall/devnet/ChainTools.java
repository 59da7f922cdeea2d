package dev.margincall.devnet;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the npm-installed chain tools and protocol artifacts ({@code node_modules} of the
 * repository). Looked up from {@code -Dmargincall.home}, then {@code MARGIN_CALL_HOME}, then the
 * working directory and its parents.
 */
public final class ChainTools {

    static final String ANVIL = "@foundry-rs/anvil-linux-amd64/bin/anvil";

    private final Path nodeModules;

    private ChainTools(Path nodeModules) {
        this.nodeModules = nodeModules;
    }

    public static ChainTools locate() {
        String home = System.getProperty("margincall.home", System.getenv("MARGIN_CALL_HOME"));
        Path start = home != null ? Path.of(home) : Path.of("").toAbsolutePath();
        for (Path dir = start.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("node_modules");
            if (Files.isExecutable(candidate.resolve(ANVIL))) {
                return new ChainTools(candidate);
            }
        }
        throw new DevnetException("Anvil (npm package @foundry-rs/anvil-linux-amd64) was not found in node_modules under "
                + start + " or its parents. Run `npm ci --ignore-scripts` in the Margin Call repository (bin/margin-call and "
                + "bin/mvn do it for you), or set MARGIN_CALL_HOME to the repository.");
    }

    public Path anvil() {
        return nodeModules.resolve(ANVIL);
    }

    /** A file of an npm package, e.g. {@code @aave/core-v3/artifacts/...}; fails clearly when missing. */
    public Path npmFile(String relative) {
        Path file = nodeModules.resolve(relative);
        if (!Files.isRegularFile(file)) {
            throw new DevnetException(relative + " is missing from " + nodeModules
                    + ": run `npm ci --ignore-scripts` (package.json pins the protocol packages).");
        }
        return file;
    }
}
