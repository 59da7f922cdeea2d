package dev.margincall.devnet;

import dev.margincall.chain.AtomicFile;
import dev.margincall.chain.ChainJson;
import java.io.IOException;
import java.nio.file.Path;

/** {@code deployment.json}, in the project's JSON mapping ({@link ChainJson}), written atomically. */
public final class DeploymentFile {

    private DeploymentFile() {
    }

    public static String toJson(Deployment deployment) {
        try {
            return ChainJson.MAPPER.writeValueAsString(deployment) + "\n";
        } catch (IOException e) {
            throw new DevnetException("cannot serialize the deployment: " + e.getMessage(), e);
        }
    }

    public static void write(Deployment deployment, Path file) {
        try {
            AtomicFile.write(file, toJson(deployment));
        } catch (IOException e) {
            throw new DevnetException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    public static Deployment read(Path file) {
        try {
            return ChainJson.MAPPER.readValue(file.toFile(), Deployment.class);
        } catch (IOException e) {
            throw new DevnetException("cannot read deployment file " + file + ": " + e.getMessage(), e);
        }
    }
}
