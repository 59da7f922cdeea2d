package dev.margincall.devnet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/** Anvil in Foundry's official image, for machines with a Docker daemon. */
public final class AnvilContainer implements ChainNode {

    /** Foundry's image at the version package.json pins for the npm Anvil. */
    static final DockerImageName IMAGE = DockerImageName.parse("ghcr.io/foundry-rs/foundry:v1.7.1");
    private static final int PORT = 8545;

    private final GenericContainer<?> container;

    private AnvilContainer(GenericContainer<?> container) {
        this.container = container;
    }

    public static AnvilContainer start(AnvilOptions options) {
        List<String> command = new ArrayList<>(List.of("anvil"));
        command.addAll(options.arguments("0.0.0.0", PORT));
        GenericContainer<?> container = new GenericContainer<>(IMAGE)
                .withCreateContainerCmdModifier(cmd -> cmd.withEntrypoint(command.toArray(String[]::new)))
                .withExposedPorts(PORT)
                .waitingFor(Wait.forLogMessage(".*Listening on.*", 1).withStartupTimeout(Duration.ofMinutes(2)));
        container.start();
        return new AnvilContainer(container);
    }

    @Override
    public String rpcUrl() {
        return "http://" + container.getHost() + ":" + container.getMappedPort(PORT);
    }

    @Override
    public String wsUrl() {
        return "ws://" + container.getHost() + ":" + container.getMappedPort(PORT);
    }

    @Override
    public String backend() {
        return "anvil-container";
    }

    @Override
    public void close() {
        container.stop();
    }
}
