package dev.margincall.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.margincall.chain.Multicall3;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
    void severalMarketsWithNamesAndTheirOwnLiquidator() throws Exception {
        Path file = write("""
                chain:
                  id: 1
                  rpc: [ "https://x" ]
                protocols:
                  - type: aave-v3
                    name: core
                    poolAddressesProvider: "0x2f39d218133AFaB8F2B819B1066c7E434Ad94E9e"
                  - type: aave-v3
                    name: prime
                    poolAddressesProvider: "0x4e033931ad43597d96D6bcc25c280717730B58B1"
                    liquidatorContract: "0x00000000000000000000000000000000000000aa"
                """);
        KeeperConfig config = ConfigLoader.load(file, Map.<String, String>of()::get);
        assertThat(config.protocols()).extracting(KeeperConfig.Protocol::marketName).containsExactly("core", "prime");
        assertThat(config.protocols().get(0).liquidatorContract()).isEmpty();
        assertThat(config.protocols().get(1).liquidatorContract()).contains(dev.margincall.core.Address.of("0x00000000000000000000000000000000000000aa"));
        KeeperConfig.Protocol unnamed = new KeeperConfig.Protocol("aave-v3", config.protocols().get(0).poolAddressesProvider(), 0);
        assertThat(unnamed.marketName()).as("no name: the provider, checksummed").isEqualTo("0x2f39d218133AFaB8F2B819B1066c7E434Ad94E9e");
    }

    @Test
    void aMarketTwiceOrABadNameIsRefused() throws Exception {
        Path file = write("""
                chain:
                  id: 1
                  rpc: [ "https://x" ]
                protocols:
                  - type: aave-v3
                    name: "core market!"
                    poolAddressesProvider: "0x2f39d218133AFaB8F2B819B1066c7E434Ad94E9e"
                  - type: aave-v3
                    name: other
                    poolAddressesProvider: "0x2f39d218133AFaB8F2B819B1066c7E434Ad94E9e"
                """);
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.<String, String>of()::get))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "protocols[0].name: 'core market!' is not a plain name: 1 to 40 letters, digits, '_', '.' or '-', starting with a letter "
                                + "or digit (e.g. core, prime)",
                        "protocols[1]: the market 'other' is already protocols[0]: give each entry its own market and a distinct name"));
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
                        "protocols[0].start_block: unknown key (did you mean 'startBlock'?); known keys here: [liquidatorContract, name, poolAddressesProvider, startBlock, type]",
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

    private static final String MARKET = """
            chain:
              id: 31337
              rpc: [ "http://127.0.0.1:8545" ]
            protocols:
              - type: aave-v3
                poolAddressesProvider: "0x5FbDB2315678afecb367f032d93F642f64180aa3"
            """;

    @Test
    void readsTheExecutionKeysWithTheirDefaults() throws Exception {
        KeeperConfig config = ConfigLoader.load(write(MARKET + """
                execution:
                  signer:
                    privateKeyEnv: MC_PRIVATE_KEY
                  funding: flash-loan
                  liquidatorContract: "0x95bD8D42f30351685e96C62EDdc0d0613bf9a87A"
                  uniswapV2Router: "0x922D6956C99E12DFeB3224DEA977D0939758A1Fe"
                  minProfitUsd: 0.1
                  batch: { maxItems: 12 }
                """), k -> null);
        KeeperConfig.Execution execution = config.execution().orElseThrow();
        assertThat(execution.batching()).as("maxGas at its default").isEqualTo(new KeeperConfig.Batching(12, KeeperConfig.Batching.DEFAULT.maxGas()));
        assertThat(execution.funding()).isEqualTo(dev.margincall.strategy.Funding.FLASH_LOAN);
        assertThat(execution.signer().privateKeyEnv()).contains("MC_PRIVATE_KEY");
        assertThat(execution.minProfitUsd()).isEqualByComparingTo("0.1"); // exact: no binary floating point
        assertThat(execution.minProfitUsd().scale()).isEqualTo(1);
        assertThat(execution.dustUsd()).isEqualByComparingTo("1");
        assertThat(execution.maxGasSharePct()).isEqualTo(50);
        assertThat(execution.minPriorityFeeWei()).isEqualTo(java.math.BigInteger.valueOf(1_000_000_000L));
        assertThat(execution.replaceAfterBlocks()).isEqualTo(2);
        assertThat(execution.receiveAToken()).isFalse();
    }

    @Test
    void anExecutionWithOnlyTheRequiredKeysIsTheCodeDefaults() throws Exception {
        KeeperConfig config = ConfigLoader.load(write(MARKET + """
                execution:
                  signer:
                    privateKeyEnv: MC_PRIVATE_KEY
                  funding: wallet
                """), k -> null);
        // the demo, the bench and the tests build their Execution with defaults(): the same values the YAML gets
        assertThat(config.execution()).contains(KeeperConfig.Execution.defaults(
                new KeeperConfig.Signer(java.util.Optional.of("MC_PRIVATE_KEY"), java.util.Optional.empty(), java.util.Optional.empty()),
                dev.margincall.strategy.Funding.WALLET));
    }

    @Test
    void everyExecutionMistakeIsReportedWithItsPathAndWhatToDo() throws Exception {
        Path file = write(MARKET + """
                execution:
                  signer:
                    privateKey: "0x0123"
                  funding: borrowed
                  uniswapV2Router: "0x922d6956c99e12dfeb3224dea977d0939758a1FE"
                  minProfitUsd: -1
                  maxGasSharePct: 150
                  receiveAToken: "yes"
                  gass: {}
                  batch: { maxItems: 1000, maxGas: 50000 }
                """);
        assertThatThrownBy(() -> ConfigLoader.load(file, k -> null)).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("execution.signer.privateKey: a private key never goes in the config file"));
            assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("execution.funding: 'borrowed' is not a funding mode"));
            assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("execution.uniswapV2Router: address").contains("checksum"));
            assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("execution.minProfitUsd: must be a number of 0 or more"));
            assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("execution.maxGasSharePct: a share of the profit, 1 to 100"));
            assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("execution.receiveAToken: true or false"));
            assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("execution.batch: maxItems 1 to 256 and maxGas 100000 to 30000000"));
            assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("execution.gass: unknown key (did you mean 'gas'?)"));
            // the key's value is never echoed back
            assertThat(String.join("\n", e.problems())).doesNotContain("0x0123");
        });
    }

    @Test
    void aSignerNeedsExactlyOneKeySource() throws Exception {
        Path both = write(MARKET + """
                execution:
                  signer: { privateKeyEnv: A, keystore: /k.json, passwordEnv: P }
                  funding: wallet
                """);
        assertThatThrownBy(() -> ConfigLoader.load(both, k -> null)).hasMessageContaining("give exactly one of privateKeyEnv");
        Path keystoreWithoutPassword = write(MARKET + """
                execution:
                  signer: { keystore: /k.json }
                  funding: wallet
                """);
        assertThatThrownBy(() -> ConfigLoader.load(keystoreWithoutPassword, k -> null)).hasMessageContaining("passwordEnv: required with keystore");
        Path valueInsteadOfName = write(MARKET + """
                execution:
                  signer: { privateKeyEnv: "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97" }
                  funding: wallet
                """);
        assertThatThrownBy(() -> ConfigLoader.load(valueInsteadOfName, k -> null)).hasMessageContaining("must be the NAME of an environment variable")
                .hasMessageNotContaining("dbda1821");
    }

    @Test
    void everyExampleConfigIsValid() throws Exception {
        try (var files = Files.list(Path.of("config"))) {
            List<Path> examples = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
            assertThat(examples).extracting(f -> f.getFileName().toString()).contains("devnet.yaml", "ethereum.yaml", "arbitrum.yaml", "base.yaml");
            for (Path example : examples) {
                KeeperConfig config = ConfigLoader.load(example, name -> name.endsWith("WS_URL") ? "wss://example.invalid/ws" : "https://example.invalid/rpc");
                assertThat(config.protocols()).as(example.toString()).isNotEmpty();
                assertThat(config.execution()).as(example.toString()).isPresent();
            }
            // Ethereum: Aave's Core and Prime markets, each with its own addresses provider
            KeeperConfig ethereum = ConfigLoader.load(Path.of("config/ethereum.yaml"),
                    name -> name.endsWith("WS_URL") ? "wss://example.invalid/ws" : "https://example.invalid/rpc");
            assertThat(ethereum.protocols()).hasSize(2);
        }
    }

    @Test
    void metricsListenOnLoopbackPort9464UnlessConfiguredAndPortZeroTurnsThemOff() throws Exception {
        KeeperConfig.Metrics defaults = ConfigLoader.load(write(MARKET), k -> null).metrics();
        assertThat(defaults).isEqualTo(new KeeperConfig.Metrics(true, "127.0.0.1", 9464, 60));
        assertThat(ConfigLoader.load(write(MARKET + "metrics: {}\n"), k -> null).metrics()).isEqualTo(defaults);

        KeeperConfig.Metrics custom = ConfigLoader.load(write(MARKET + "metrics: { host: 0.0.0.0, port: 9100, maxHeadLagSeconds: 5 }\n"),
                k -> null).metrics();
        assertThat(custom).isEqualTo(new KeeperConfig.Metrics(true, "0.0.0.0", 9100, 5));

        KeeperConfig.Metrics off = ConfigLoader.load(write(MARKET + "metrics:\n  port: 0\n"), k -> null).metrics();
        assertThat(off.enabled()).isFalse();
    }

    @Test
    void badMetricsKeysAreNamedWithWhatToDo() throws Exception {
        Path file = write(MARKET + """
                metrics:
                  host: "http://localhost"
                  prot: 9464
                  port: 70000
                  maxHeadLagSeconds: 0
                """);
        assertThatThrownBy(() -> ConfigLoader.load(file, k -> null))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "metrics.prot: unknown key (did you mean 'port'?); known keys here: [host, maxHeadLagSeconds, overdueAfterBlocks, port]",
                        "metrics.host: 'http://localhost' is not a host name or IP address; give the interface to listen on, e.g. 127.0.0.1 "
                                + "(the default: this machine only) or 0.0.0.0 (every interface, e.g. inside a container)",
                        "metrics.port: must be a TCP port from 1 to 65535, or 0 to turn the metrics endpoint off, got '70000'",
                        "metrics.maxHeadLagSeconds: must be a positive whole number, got '0'"));
        assertThatThrownBy(() -> ConfigLoader.load(write(MARKET + "metrcs: { port: 1 }\n"), k -> null))
                .hasMessageContaining("metrcs: unknown key (did you mean 'metrics'?)");
        assertThatThrownBy(() -> ConfigLoader.load(write(MARKET + "metrics: { port: -1 }\n"), k -> null))
                .hasMessageContaining("metrics.port: must be a TCP port");
    }

    @Test
    void codeBuiltConfigsHaveNoMetricsEndpoint() {
        assertThat(new KeeperConfig(null, java.util.List.of()).metrics().enabled()).isFalse();
    }
}
