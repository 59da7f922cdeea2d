package dev.margincall.protocol.aavev3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.margincall.chain.LogEntry;
import dev.margincall.chain.abi.Abi;
import dev.margincall.chain.abi.ErrorCatalog;
import dev.margincall.chain.abi.RevertReason;
import dev.margincall.core.Address;
import dev.margincall.core.Hex;
import dev.margincall.protocol.aavev3.model.WadRayMath;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Java view of contracts/FlashLiquidator.sol agrees with the ABI the build wrote, and Aave's error table with Errors.sol. */
class FlashLiquidatorTest {

    private static final Address A = Address.of("0x00000000000000000000000000000000000000a1");
    private static final Address B = Address.of("0x00000000000000000000000000000000000000b2");
    private static final Address C = Address.of("0x00000000000000000000000000000000000000c3");

    private static JsonNode abi() throws IOException {
        return new ObjectMapper().readTree(Path.of("abis/FlashLiquidator.json").toFile());
    }

    private static String signature(JsonNode entry) {
        List<String> types = new ArrayList<>();
        entry.path("inputs").forEach(input -> types.add(canonicalType(input)));
        return entry.path("name").asText() + "(" + String.join(",", types) + ")";
    }

    /** A parameter's canonical type: a tuple spelled out from its components, as selectors are hashed. */
    private static String canonicalType(JsonNode parameter) {
        String type = parameter.path("type").asText();
        if (!type.startsWith("tuple")) {
            return type;
        }
        List<String> components = new ArrayList<>();
        parameter.path("components").forEach(c -> components.add(canonicalType(c)));
        return "(" + String.join(",", components) + ")" + type.substring("tuple".length());
    }

    @Test
    void everyCustomErrorOfTheContractIsInTheCatalogWithItsParameterNames() throws IOException {
        List<String> declared = new ArrayList<>();
        for (JsonNode entry : abi()) {
            if (entry.path("type").asText().equals("error")) {
                declared.add(signature(entry));
                ErrorCatalog.CustomError known = FlashLiquidator.ERRORS.customError(Abi.selector(signature(entry)));
                assertThat(known).as(signature(entry)).isNotNull();
                List<String> names = new ArrayList<>();
                entry.path("inputs").forEach(input -> names.add(input.path("name").asText()));
                assertThat(known.parameterNames()).isEqualTo(names);
            }
        }
        assertThat(declared).contains("NotOwner()", "NotPool()", "BadInitiator()", "BadSwapPath()", "InsufficientProfit(uint256,uint256)");
    }

    @Test
    void callsUseTheSelectorsOfTheAbi() throws IOException {
        Map<String, String> functions = new LinkedHashMap<>();
        for (JsonNode entry : abi()) {
            if (entry.path("type").asText().equals("function")) {
                functions.put(entry.path("name").asText(), Abi.selector(signature(entry)));
            }
        }
        assertThat(functions.keySet()).containsExactlyInAnyOrder("liquidate", "executeOperation", "owner", "pool", "router", "rescue", "rescueEth",
                "liquidateBatch", "liquidateItem", "runPath");
        assertThat(new LiquidationBatch(false).add(new LiquidationBatch.Item(A, B, C, BigInteger.TEN, BigInteger.ONE, List.of(A, B), BigInteger.ONE))
                .calldata()).startsWith(functions.get("liquidateBatch"));
        String liquidate = FlashLiquidator.liquidate(A, B, C, BigInteger.TEN, List.of(A, B), BigInteger.ONE, BigInteger.TWO);
        assertThat(liquidate).startsWith(functions.get("liquidate"));
        // 7 head words, then the path: length 2 and two addresses.
        assertThat(Hex.strip(liquidate).length()).isEqualTo(8 + 64 * (7 + 3));
        assertThat(FlashLiquidator.owner()).isEqualTo(functions.get("owner"));
        assertThat(FlashLiquidator.pool()).isEqualTo(functions.get("pool"));
        assertThat(FlashLiquidator.rescue(A, B, BigInteger.ONE)).startsWith(functions.get("rescue"));
        assertThat(FlashLiquidator.rescueEth(A, BigInteger.ONE)).startsWith(functions.get("rescueEth"));
    }

    @Test
    void deployDataIsTheCompiledInitCodeAndTheConstructorArguments() {
        String data = FlashLiquidator.deployData(A, B);
        String init = FlashLiquidator.initCode();
        assertThat(init).startsWith("0x").hasSizeGreaterThan(1_000);
        assertThat(data).isEqualTo(init + Hex.strip(Abi.encodeArguments(Abi.address(A), Abi.address(B))));
        assertThat(data).endsWith("00000000000000000000000000000000000000000000000000000000000000b2");
    }

    @Test
    void theBatchEventsDecodedAreTheContractsEvents() throws IOException {
        List<String> topics = new ArrayList<>();
        for (JsonNode entry : abi()) {
            if (entry.path("type").asText().equals("event")) {
                topics.add(Abi.topic(signature(entry)));
            }
        }
        assertThat(topics).contains(dev.margincall.chain.abi.BatchEvents.ITEM_LIQUIDATED_TOPIC, dev.margincall.chain.abi.BatchEvents.ITEM_SKIPPED_TOPIC,
                dev.margincall.chain.abi.BatchEvents.SETTLED_TOPIC, dev.margincall.chain.abi.BatchEvents.PATH_SKIPPED_TOPIC);
    }

    @Test
    void decodesTheLiquidatedEvent() throws IOException {
        String topic = null;
        for (JsonNode entry : abi()) {
            if (entry.path("type").asText().equals("event")) {
                topic = Abi.topic(signature(entry));
            }
        }
        assertThat(FlashLiquidator.LIQUIDATED_TOPIC).isEqualTo(topic);
        Address contract = Address.of("0x00000000000000000000000000000000000000ff");
        LogEntry log = new LogEntry(contract, List.of(topic, Hex.word(BigInteger.valueOf(0xa1)), Hex.word(BigInteger.valueOf(0xb2)),
                Hex.word(BigInteger.valueOf(0xc3))), Abi.encodeArguments(Abi.uint(5), Abi.uint(6), Abi.uint(7)), 1, "0x01", "0x02", 0, false);
        assertThat(FlashLiquidator.decodeLiquidated(log))
                .isEqualTo(new FlashLiquidator.Liquidated(contract, A, B, C, BigInteger.valueOf(5), BigInteger.valueOf(6), BigInteger.valueOf(7)));
        assertThat(FlashLiquidator.liquidatedEvents(List.of(log), contract)).hasSize(1);
        assertThat(FlashLiquidator.liquidatedEvents(List.of(log), A)).isEmpty();
        LogEntry other = new LogEntry(contract, List.of(LiquidationCallEvent.TOPIC), "0x", 1, "0x01", "0x02", 0, false);
        assertThatThrownBy(() -> FlashLiquidator.decodeLiquidated(other)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aaveErrorNamesAreErrorsSolCodeForCode() throws IOException {
        Path errorsSol = Path.of("node_modules/@aave/core-v3/contracts/protocol/libraries/helpers/Errors.sol");
        Matcher constant = Pattern.compile("string public constant (\\w+) = '(\\d+)';").matcher(Files.readString(errorsSol));
        Map<String, String> fromSource = new LinkedHashMap<>();
        while (constant.find()) {
            fromSource.put(constant.group(2), constant.group(1));
        }
        assertThat(fromSource).hasSize(90);
        assertThat(AaveV3Errors.NAMES).isEqualTo(fromSource);
        assertThat(AaveV3Errors.describe(Abi.call("Error(string)", Abi.string("45"))))
                .isEqualTo("HEALTH_FACTOR_NOT_BELOW_THRESHOLD (error \"45\")");
        RevertReason.Decoded profit = AaveV3Errors.parse(Abi.call("InsufficientProfit(uint256,uint256)", Abi.uint(1), Abi.uint(2)));
        assertThat(profit.is("InsufficientProfit")).isTrue();
        assertThat(profit.argument("minProfit")).isEqualTo(BigInteger.TWO);
    }

    @Test
    void encodesThePoolCalls() {
        assertThat(AaveV3Calls.liquidationCall(A, B, C, BigInteger.TEN, false))
                .isEqualTo(Abi.selector("liquidationCall(address,address,address,uint256,bool)")
                        + Hex.strip(Abi.encodeArguments(Abi.address(A), Abi.address(B), Abi.address(C), Abi.uint(10), Abi.bool(false))));
        assertThat(AaveV3Calls.flashLoanPremiumTotal()).isEqualTo(Abi.selector("FLASHLOAN_PREMIUM_TOTAL()"));
        // The flash premium the strategy charges (and the Pool takes) is percentMul, rounded half up: 9 bps of 5,000 is 4.5 → 5,
        // of 4,999 is 4.4991 → 4.
        assertThat(WadRayMath.percentMul(BigInteger.valueOf(5_000), BigInteger.valueOf(9))).isEqualTo(5);
        assertThat(WadRayMath.percentMul(BigInteger.valueOf(4_999), BigInteger.valueOf(9))).isEqualTo(4);
        assertThat(WadRayMath.percentMul(BigInteger.valueOf(1_000_000), BigInteger.valueOf(9))).isEqualTo(900);
    }
}
