package dev.margincall.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.margincall.chain.Multicall3;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private Path write(String yaml) throws Exception {
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void readsTheIssueKeysFillsPlaceholdersAndDefaults() throws Exception {
        Path file = write("""
                chain:
                  id: 1
                  rpc:
                    - https://eth-mainnet.example/v2/${RPC_KEY}
                    - http://127.0.0.1:8545
                  ws: wss://eth-mainnet.example/ws/${RPC_KEY}
                protocols:
                  - type: aave-v3
                    poolAddressesProvider: "0x2f39d218133AFaB8F2B819B1066c7E434Ad94E9e"
                    startBlock: 16291071
                """);
        KeeperConfig config = ConfigLoader.load(file, Map.of("RPC_KEY", "secret")::get);
        assertThat(config.chain().id()).isEqualTo(1);
        assertThat(config.chain().rpc()).containsExactly("https://eth-mainnet.example/v2/secret", "http://127.0.0.1:8545");
        assertThat(config.chain().ws()).contains("wss://eth-mainnet.example/ws/secret");
        assertThat(config.chain().multicall3()).isEqualTo(Multicall3.CANONICAL);
        assertThat(config.chain().confirmations()).isEqualTo(12);
        assertThat(config.protocols()).singleElement().satisfies(p -> {
            assertThat(p.type()).isEqualTo("aave-v3");
            assertThat(p.poolAddressesProvider().checksummed()).isEqualTo("0x2f39d218133AFaB8F2B819B1066c7E434Ad94E9e");
            assertThat(p.startBlock()).isEqualTo(16291071);
        });
    }

    @Test
    void anUnsetVariableAWrongChecksumAndABadNumberAreAllReportedTogether() throws Exception {
        Path file = write("""
                chain:
                  id: -1
                  rpc: [ "https://x/${MISSING}" ]
                  confirmations: many
                protocols:
                  - type: aave-v3
                    poolAddressesProvider: "0x2f39d218133AFaB8F2B819B1066c7E434Ad94E9E"
                    startBlock: -5
                    start_block: 3
                """);
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.<String, String>of()::get))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "chain.id: must be a positive whole number, got '-1'",
                        "chain.rpc[0]: environment variable MISSING is not set; export it before starting",
                        "chain.confirmations: must be a positive whole number, got 'many'",
                        "protocols[0].start_block: unknown key (did you mean 'startBlock'?); known keys here: [poolAddressesProvider, startBlock, type]",
                        "protocols[0].poolAddressesProvider: address 0x2f39d218133AFaB8F2B819B1066c7E434Ad94E9E has a wrong EIP-55 checksum"
                                + " (expected 0x2f39d218133AFaB8F2B819B1066c7E434Ad94E9e)",
                        "protocols[0].startBlock: must be a block number (0 or more), got '-5'"));
    }

    @Test
    void emptyListsAndNonMappingsAreRefused() throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(write("chain:\n  id: 1\n  rpc: []\nprotocols: []\n"), k -> null))
                .hasMessageContaining("chain.rpc: needs a list of one or more RPC URLs")
                .hasMessageContaining("protocols: needs a list of one or more markets");
        assertThatThrownBy(() -> ConfigLoader.load(write("- just a list\n"), k -> null)).hasMessageContaining("must be a YAML mapping");
        assertThatThrownBy(() -> ConfigLoader.load(write("chain: [\n"), k -> null)).hasMessageContaining("not readable YAML");
    }

    @Test
    void didYouMeanUsesEditDistance() {
        assertThat(ConfigLoader.distance("rpc", "rcp")).isEqualTo(2);
        assertThat(ConfigLoader.distance("startBlock", "startblock")).isZero();
    }
}
