package dev.margincall.devnet;

import org.testcontainers.DockerClientFactory;

/**
 * Picks the local chain for tests: an Anvil container through Testcontainers when a Docker daemon
 * answers, else Anvil from the npm package as a child process. {@code -Dmargincall.chain=process}
 * forces the process.
 */
public final class ChainBackends {

    private ChainBackends() {
    }

    public static boolean dockerAvailable() {
        // Without a socket or DOCKER_HOST there is nothing to ask; Testcontainers would only log its failed probes.
        if (System.getenv("DOCKER_HOST") == null && !java.nio.file.Files.exists(java.nio.file.Path.of("/var/run/docker.sock"))) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    public static ChainNode start(AnvilOptions options) {
        boolean forceProcess = "process".equals(System.getProperty("margincall.chain"));
        return !forceProcess && dockerAvailable() ? AnvilContainer.start(options) : AnvilProcess.start(options);
    }
}
