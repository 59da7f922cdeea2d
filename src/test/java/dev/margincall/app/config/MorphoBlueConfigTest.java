package dev.margincall.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.margincall.core.Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code type: morpho-blue} entries: the keys {@code morpho}, {@code startBlock}, {@code markets}, {@code aaveOracle}, and the mistakes named. */
class MorphoBlueConfigTest {

    private static final String ID = "0xb323495f7e4148be5643a4ea4a8221eef163e4bccfdedc2a6f4696baacbc86cc";

    @TempDir
    Path dir;

    @Test
    void readsAMorphoEntryBesideAnAaveOne() throws Exception {
        KeeperConfig config = ConfigLoader.load(write("""
                chain:
                  id: 1
                  rpc: [ "https://x" ]
                protocols:
                  - type: aave-v3
                    poolAddressesProvider: "0x2f39d218133AFaB8F2B819B1066c7E434Ad94E9e"
                  - type: morpho-blue
                    name: morpho
                    morpho: "0xBBBBBbbBBb9cC5e90e3b3Af64bdAF62C37EEFFCb"
                    startBlock: 18883124
                    markets: ["%s"]
                    aaveOracle: "0x54586bE62E3c3580375aE3723C145253060Ca0C2"
                  - type: morpho-blue
                    morpho: "0x0000000000000000000000000000000000000b1e"
                    aaveOracle: "0x54586bE62E3c3580375aE3723C145253060Ca0C2"
                    liquidatorContract: "0x00000000000000000000000000000000000000aa"
                """.formatted(ID.toUpperCase().replace("0X", "0x"))), Map.<String, String>of()::get);
        KeeperConfig.Protocol morpho = config.protocols().get(1);
        assertThat(morpho.type()).isEqualTo("morpho-blue");
        assertThat(morpho.isAaveV3()).isFalse();
        assertThat(morpho.poolAddressesProvider()).isNull();
        assertThat(morpho.startBlock()).isEqualTo(18_883_124L);
        assertThat(morpho.marketName()).isEqualTo("morpho");
        assertThat(morpho.morphoBlue()).contains(new KeeperConfig.MorphoBlue(Address.of("0xbbbbbbbbbb9cc5e90e3b3af64bdaf62c37eeffcb"), List.of(ID),
                Address.of("0x54586be62e3c3580375ae3723c145253060ca0c2")));
        assertThat(morpho.contract()).isEqualTo(Address.of("0xbbbbbbbbbb9cc5e90e3b3af64bdaf62c37eeffcb"));
        assertThat(morpho.liquidatorContract()).isEmpty();
        assertThat(config.protocols().get(2).liquidatorContract()).as("a MorphoLiquidator of its own")
                .contains(Address.of("0x00000000000000000000000000000000000000aa"));
        KeeperConfig.Protocol unnamed = config.protocols().get(2);
        assertThat(unnamed.marketName()).as("no name: the Morpho contract, checksummed")
                .isEqualTo(Address.of("0x0000000000000000000000000000000000000b1e").toString());
        assertThat(unnamed.morphoBlue().orElseThrow().markets()).as("no list: every market").isEmpty();
        assertThat(config.protocols().get(0).morphoBlue()).isEqualTo(Optional.empty());
    }

    @Test
    void everyMorphoMistakeIsNamedWithWhatToDo() throws Exception {
        Path file = write("""
                chain:
                  id: 1
                  rpc: [ "https://x" ]
                protocols:
                  - type: morpho-blue
                    poolAddressesProvider: "0x2f39d218133AFaB8F2B819B1066c7E434Ad94E9e"
                    liquidatorContract: "0x00000000000000000000000000000000000000aa"
                    markets: ["0x1234", 7]
                  - type: aave-v3
                    poolAddressesProvider: "0x2f39d218133AFaB8F2B819B1066c7E434Ad94E9e"
                    morpho: "0xBBBBBbbBBb9cC5e90e3b3Af64bdAF62C37EEFFCb"
                  - type: morpho-blue
                    morpho: "0xBBBBBbbBBb9cC5e90e3b3Af64bdAF62C37EEFFCb"
                    aaveOracle: "0x54586bE62E3c3580375aE3723C145253060Ca0C2"
                    markets: []
                """);
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.<String, String>of()::get))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).contains(
                        "protocols[0].poolAddressesProvider: only for type aave-v3; this entry is morpho-blue",
                        "protocols[0].markets[0]: '0x1234' is not a market id: 0x and 64 hex digits (Morpho's keccak256 of the market params)",
                        "protocols[1].morpho: only for type morpho-blue; this entry is aave-v3",
                        "protocols[2].markets: needs a list of one or more market ids (0x + 64 hex digits), or leave it out to watch every market")
                        .anyMatch(p -> p.startsWith("protocols[0].morpho"))
                        .anyMatch(p -> p.startsWith("protocols[0].aaveOracle"))
                        .anyMatch(p -> p.startsWith("protocols[0].markets[1]"))
                        .noneMatch(p -> p.contains("liquidatorContract")));
    }

    @Test
    void realizeBadDebtTakesALossCapInUsdAndIsOffByDefault() throws Exception {
        KeeperConfig config = ConfigLoader.load(write("""
                chain:
                  id: 1
                  rpc: [ "https://x" ]
                protocols:
                  - type: morpho-blue
                    morpho: "0xBBBBBbbBBb9cC5e90e3b3Af64bdAF62C37EEFFCb"
                    aaveOracle: "0x54586bE62E3c3580375aE3723C145253060Ca0C2"
                    realizeBadDebt: true
                    maxBadDebtLossUsd: 12.5
                  - type: morpho-blue
                    name: plain
                    morpho: "0x0000000000000000000000000000000000000b1e"
                    aaveOracle: "0x54586bE62E3c3580375aE3723C145253060Ca0C2"
                    markets: ["%s"]
                """.formatted(ID)), Map.<String, String>of()::get);
        assertThat(config.protocols().get(0).morphoBlue().orElseThrow().badDebtLossCapUsd()).contains(new java.math.BigDecimal("12.5"));
        assertThat(config.protocols().get(1).morphoBlue().orElseThrow().badDebtLossCapUsd()).as("default: off").isEmpty();
    }

    @Test
    void aLossCapWithoutTheSwitchOrTheSwitchWithoutACapIsNamed() throws Exception {
        Path file = write("""
                chain:
                  id: 1
                  rpc: [ "https://x" ]
                protocols:
                  - type: morpho-blue
                    morpho: "0xBBBBBbbBBb9cC5e90e3b3Af64bdAF62C37EEFFCb"
                    aaveOracle: "0x54586bE62E3c3580375aE3723C145253060Ca0C2"
                    realizeBadDebt: true
                  - type: morpho-blue
                    name: b
                    morpho: "0x0000000000000000000000000000000000000b1e"
                    aaveOracle: "0x54586bE62E3c3580375aE3723C145253060Ca0C2"
                    maxBadDebtLossUsd: 50
                  - type: morpho-blue
                    name: c
                    morpho: "0x0000000000000000000000000000000000000b1f"
                    aaveOracle: "0x54586bE62E3c3580375aE3723C145253060Ca0C2"
                    realizeBadDebt: "yes"
                  - type: morpho-blue
                    name: d
                    morpho: "0x0000000000000000000000000000000000000b20"
                    aaveOracle: "0x54586bE62E3c3580375aE3723C145253060Ca0C2"
                    realizeBadDebt: true
                    maxBadDebtLossUsd: -1
                  - type: aave-v3
                    poolAddressesProvider: "0x2f39d218133AFaB8F2B819B1066c7E434Ad94E9e"
                    realizeBadDebt: true
                """);
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.<String, String>of()::get))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).contains(
                        "protocols[0].maxBadDebtLossUsd: needed with realizeBadDebt: true: the most (USD, gas included) a liquidation that "
                                + "realizes bad debt may lose, e.g. 50",
                        "protocols[1].maxBadDebtLossUsd: only with realizeBadDebt: true (off by default: such positions are skipped)",
                        "protocols[2].realizeBadDebt: true or false (liquidate positions whose liquidation realizes bad debt even at a loss up to "
                                + "maxBadDebtLossUsd)",
                        "protocols[3].maxBadDebtLossUsd: must be a number of 0 or more, got '-1'",
                        "protocols[4].realizeBadDebt: only for type morpho-blue; this entry is aave-v3"));
    }

    @Test
    void usdFeedsPriceLoanTokensWithOrWithoutAnAaveOracle() throws Exception {
        KeeperConfig config = ConfigLoader.load(write("""
                chain:
                  id: 1
                  rpc: [ "https://x" ]
                protocols:
                  - type: morpho-blue
                    name: feeds
                    morpho: "0xBBBBBbbBBb9cC5e90e3b3Af64bdAF62C37EEFFCb"
                    usdFeeds:
                      "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48": "0x8fFfFfd4AfB6115b954Bd326cbe7B4BA576818f6"
                  - type: morpho-blue
                    name: both
                    morpho: "0x0000000000000000000000000000000000000b1e"
                    aaveOracle: "0x54586bE62E3c3580375aE3723C145253060Ca0C2"
                    usdFeeds:
                      "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48": "0x8fFfFfd4AfB6115b954Bd326cbe7B4BA576818f6"
                """), Map.<String, String>of()::get);
        Map<Address, Address> usdc = Map.of(Address.of("0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48"),
                Address.of("0x8fffffd4afb6115b954bd326cbe7b4ba576818f6"));
        KeeperConfig.MorphoBlue feedsOnly = config.protocols().get(0).morphoBlue().orElseThrow();
        assertThat(feedsOnly.aaveOracle()).isEmpty();
        assertThat(feedsOnly.usdFeeds()).isEqualTo(usdc);
        KeeperConfig.MorphoBlue both = config.protocols().get(1).morphoBlue().orElseThrow();
        assertThat(both.aaveOracle()).contains(Address.of("0x54586be62e3c3580375ae3723c145253060ca0c2"));
        assertThat(both.usdFeeds()).isEqualTo(usdc);
    }

    @Test
    void aMorphoEntryWithoutAUsdSourceOrWithABrokenFeedMapIsNamed() throws Exception {
        Path file = write("""
                chain:
                  id: 1
                  rpc: [ "https://x" ]
                protocols:
                  - type: morpho-blue
                    name: a
                    morpho: "0xBBBBBbbBBb9cC5e90e3b3Af64bdAF62C37EEFFCb"
                  - type: morpho-blue
                    name: b
                    morpho: "0xBBBBBbbBBb9cC5e90e3b3Af64bdAF62C37EEFFCb"
                    usdFeeds: [ "0x8fFfFfd4AfB6115b954Bd326cbe7B4BA576818f6" ]
                  - type: morpho-blue
                    name: c
                    morpho: "0xBBBBBbbBBb9cC5e90e3b3Af64bdAF62C37EEFFCb"
                    usdFeeds:
                      "USDC": "0x8fFfFfd4AfB6115b954Bd326cbe7B4BA576818f6"
                      "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48": "feed"
                  - type: aave-v3
                    poolAddressesProvider: "0x2f39d218133AFaB8F2B819B1066c7E434Ad94E9e"
                    usdFeeds:
                      "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48": "0x8fFfFfd4AfB6115b954Bd326cbe7B4BA576818f6"
                """);
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.<String, String>of()::get))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .contains("protocols[0].aaveOracle: missing, and no usdFeeds either: say where the loan tokens' USD prices come from, an "
                                + "AaveOracle on the same chain (aaveOracle: \"0x...\") or a Chainlink-style USD feed per loan token "
                                + "(usdFeeds: { \"0x<token>\": \"0x<feed>\" }), or both (a token's feed first)",
                                "protocols[1].usdFeeds: needs a map of one or more loan tokens to their USD feeds, e.g. { \"0x<token>\": \"0x<feed>\" }",
                                "protocols[3].usdFeeds: only for type morpho-blue; this entry is aave-v3")
                        .anyMatch(p -> p.startsWith("protocols[2].usdFeeds.USDC: the key must be a loan token's address"))
                        .anyMatch(p -> p.startsWith("protocols[2].usdFeeds.0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48: "))
                        .noneMatch(p -> p.startsWith("protocols[1].aaveOracle")));
    }

    private Path write(String yaml) throws Exception {
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, yaml);
        return file;
    }
}
