package dev.margincall.devnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.web3j.Web3jEthRpc;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.util.Collections;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The local chain, whichever backend this machine has: Anvil container with Docker, Anvil process without. */
class ChainBackendIT {

    @Test
    void theBackendThisMachineHasStartsADeterministicDevChainAndStops() {
        ChainNode node = ChainBackends.start(AnvilOptions.devnet());
        try (node; Web3jEthRpc rpc = new Web3jEthRpc(node.rpcUrl())) {
            assertThat(node.backend()).isEqualTo(ChainBackends.dockerAvailable() ? "anvil-container" : "anvil-process");
            assertThat(rpc.chainId()).isEqualTo(31337);
            assertThat(rpc.block(BlockTag.number(0)).timestamp()).isEqualTo(AnvilOptions.DEVNET_GENESIS);
            assertThat(rpc.block(BlockTag.LATEST).gasLimit()).isEqualTo(AnvilOptions.devnet().blockGasLimit());
        }
        assertThat(answers(node.rpcUrl())).as("chain still answering after close").isFalse();
    }

    @Test
    void theContainerBackendRunsWhereDockerIs() {
        assumeTrue(ChainBackends.dockerAvailable(), "no Docker daemon on this machine: the Anvil container path is skipped");
        try (AnvilContainer node = AnvilContainer.start(AnvilOptions.devnet()); Web3jEthRpc rpc = new Web3jEthRpc(node.rpcUrl())) {
            assertThat(rpc.chainId()).isEqualTo(31337);
        }
    }

    @Test
    void theAnvilProcessListensOnLoopbackOnlyAndDiesWithClose() throws IOException {
        AnvilProcess anvil = AnvilProcess.start(AnvilOptions.devnet());
        try (anvil) {
            assertThat(answers(anvil.rpcUrl())).isTrue();
            Optional<InetAddress> external = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                    .flatMap(i -> Collections.list(i.getInetAddresses()).stream())
                    .filter(a -> !a.isLoopbackAddress() && a instanceof java.net.Inet4Address)
                    .findFirst();
            assumeThat(external).as("a non-loopback address to probe").isPresent();
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(external.get(), anvil.port()), 1_000);
                throw new AssertionError("Anvil accepted a connection on " + external.get() + ": it must bind 127.0.0.1 only");
            } catch (IOException refused) {
                assertThat(refused).isNotNull();
            }
        }
        assertThat(anvil.isAlive()).isFalse();
        assertThat(answers(anvil.rpcUrl())).isFalse();
    }

    private static boolean answers(String url) {
        try (Web3jEthRpc rpc = new Web3jEthRpc(url, java.time.Duration.ofSeconds(2))) {
            rpc.chainId();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
