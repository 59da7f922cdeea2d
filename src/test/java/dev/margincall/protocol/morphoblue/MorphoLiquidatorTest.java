package dev.margincall.protocol.morphoblue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.margincall.chain.LogEntry;
import dev.margincall.chain.abi.Abi;
import dev.margincall.chain.abi.ErrorCatalog;
import dev.margincall.core.Address;
import dev.margincall.core.Hex;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Java view of contracts/MorphoLiquidator.sol agrees with the ABI the build wrote. */
class MorphoLiquidatorTest {

    private static final Address A = Address.of("0x00000000000000000000000000000000000000a1");
    private static final Address B = Address.of("0x00000000000000000000000000000000000000b2");
    private static final Address C = Address.of("0x00000000000000000000000000000000000000c3");
    private static final MarketParams PARAMS = new MarketParams(A, B, C, C, new BigInteger("860000000000000000"));

    private static JsonNode abi() throws IOException {
        return new ObjectMapper().readTree(Path.of("abis/MorphoLiquidator.json").toFile());
    }

    private static String signature(JsonNode entry) {
        List<String> types = new ArrayList<>();
        entry.path("inputs").forEach(input -> types.add(canonicalType(input)));
        return entry.path("name").asText() + "(" + String.join(",", types) + ")";
    }

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
                ErrorCatalog.CustomError known = MorphoLiquidator.ERRORS.customError(Abi.selector(signature(entry)));
                assertThat(known).as(signature(entry)).isNotNull();
                List<String> names = new ArrayList<>();
                entry.path("inputs").forEach(input -> names.add(input.path("name").asText()));
                assertThat(known.parameterNames()).isEqualTo(names);
            }
        }
        assertThat(declared).containsExactlyInAnyOrder("NotOwner()", "NotMorpho()", "NotRunning()", "BadSwapPath()",
                "RepaymentShortfall(uint256,uint256)", "InsufficientProfit(uint256,uint256)", "TokenCallFailed(address)", "EthTransferFailed()",
                "NotSelf()", "OutOfGas()", "RepaidAboveMax(uint256,uint256)", "CollateralShortfall(uint256,uint256)");
        assertThat(MorphoLiquidator.describeRevert(Abi.call("InsufficientProfit(uint256,uint256)", Abi.uint(1), Abi.uint(2))))
                .contains("InsufficientProfit").contains("minProfit");
    }

    @Test
    void callsUseTheSelectorsOfTheAbi() throws IOException {
        Map<String, String> functions = new LinkedHashMap<>();
        for (JsonNode entry : abi()) {
            if (entry.path("type").asText().equals("function")) {
                functions.put(entry.path("name").asText(), Abi.selector(signature(entry)));
            }
        }
        assertThat(functions.keySet()).containsExactlyInAnyOrder("liquidate", "liquidateBatch", "liquidateItem", "liquidateBatchFromOwner",
                "liquidateOwnerItem", "onMorphoLiquidate", "owner", "morpho", "router", "rescue", "rescueEth");
        String fromOwner = MorphoLiquidator.liquidateBatchFromOwner(List.of(new MorphoLiquidator.OwnerCall(PARAMS, C, BigInteger.TEN, BigInteger.ZERO,
                BigInteger.ONE, BigInteger.TWO)));
        assertThat(fromOwner).startsWith(functions.get("liquidateBatchFromOwner"));
        // the array's offset and length, then the item's ten static words inline
        assertThat(Hex.strip(fromOwner).length()).isEqualTo(8 + 64 * (2 + 10));
        MorphoLiquidator.BatchCall item = new MorphoLiquidator.BatchCall(PARAMS, C, BigInteger.TEN, BigInteger.ZERO, List.of(B, A), BigInteger.ONE,
                BigInteger.TWO);
        String batch = MorphoLiquidator.liquidateBatch(List.of(item, item));
        assertThat(batch).startsWith(functions.get("liquidateBatch"));
        // the array's offset and length, two item offsets; each item: 5 words of params, 6 words (path offset among them), the path's 3
        assertThat(Hex.strip(batch).length()).isEqualTo(8 + 64 * (2 + 2 + 2 * (11 + 3)));
        // an item after the array's offset, length and the two item offsets: the words of liquidate's arguments (its path's offset
        // counts from the item's start as theirs from the arguments' start: 11 words either way)
        String single = Hex.strip(MorphoLiquidator.liquidate(PARAMS, C, BigInteger.TEN, BigInteger.ZERO, List.of(B, A), BigInteger.ONE, BigInteger.TWO));
        assertThat(Hex.strip(batch).substring(8 + 64 * 4, 8 + 64 * (4 + 14))).isEqualTo(single.substring(8));
        String liquidate = MorphoLiquidator.liquidate(PARAMS, C, BigInteger.TEN, BigInteger.ZERO, List.of(B, A), BigInteger.ONE, BigInteger.TWO);
        assertThat(liquidate).startsWith(functions.get("liquidate"));
        // 5 words of params inline, borrower, seized, shares, path offset, minAmountOut, minProfit; then the path: length and two addresses.
        assertThat(Hex.strip(liquidate).length()).isEqualTo(8 + 64 * (11 + 3));
        assertThat(MorphoLiquidator.onMorphoLiquidate(BigInteger.ONE, "0x01")).startsWith(functions.get("onMorphoLiquidate"));
        assertThat(MorphoLiquidator.owner()).isEqualTo(functions.get("owner"));
        assertThat(MorphoLiquidator.morpho()).isEqualTo(functions.get("morpho"));
        assertThat(MorphoLiquidator.router()).isEqualTo(functions.get("router"));
        assertThat(MorphoLiquidator.rescue(A, B, BigInteger.ONE)).startsWith(functions.get("rescue"));
        assertThat(MorphoLiquidator.rescueEth(A, BigInteger.ONE)).startsWith(functions.get("rescueEth"));
    }

    @Test
    void contractFundingPassesMorphoTheSameSizingAsTheWalletCall() {
        Address morpho = Address.of("0x00000000000000000000000000000000000000d4");
        Address liquidator = Address.of("0x00000000000000000000000000000000000000e5");
        MorphoBlueEncoder encoder = new MorphoBlueEncoder(morpho);
        dev.margincall.protocol.morphoblue.model.LiquidationQuote sized = new dev.margincall.protocol.morphoblue.model.LiquidationQuote(
                BigInteger.valueOf(1_000), BigInteger.valueOf(999_000), BigInteger.valueOf(7), BigInteger.ZERO, BigInteger.ZERO, null, null);
        for (boolean bySeized : List.of(true, false)) {
            MorphoQuote quote = new MorphoQuote(PARAMS.id(), PARAMS, C, sized, bySeized, BigInteger.ONE, BigInteger.ONE, 18, 6, BigInteger.ONE);
            BigInteger seized = bySeized ? BigInteger.valueOf(7) : BigInteger.ZERO;
            BigInteger shares = bySeized ? BigInteger.ZERO : BigInteger.valueOf(999_000);
            assertThat(encoder.contractFunded(liquidator, quote, List.of(B, A), BigInteger.TEN, BigInteger.TWO)).isEqualTo(
                    new dev.margincall.protocol.spi.ContractCall(liquidator, MorphoLiquidator.liquidate(PARAMS, C, seized, shares, List.of(B, A),
                            BigInteger.TEN, BigInteger.TWO)));
            String wallet = encoder.wallet(quote, false).data();
            assertThat(encoder.wallet(quote, false).to()).isEqualTo(morpho);
            // words 5..7 of both calls: borrower, seizedAssets, repaidShares
            String contract = MorphoLiquidator.liquidate(PARAMS, C, seized, shares, List.of(B, A), BigInteger.TEN, BigInteger.TWO);
            assertThat(Hex.strip(contract).substring(8 + 64 * 5, 8 + 64 * 8)).isEqualTo(Hex.strip(wallet).substring(8 + 64 * 5, 8 + 64 * 8));
            // in a batch: the same sizing, each item with its own floor and minimum profit
            assertThat(encoder.contractFundedBatch(liquidator, List.of(
                    new dev.margincall.protocol.spi.LiquidationEncoder.BatchItem(quote, List.of(B, A), BigInteger.TEN, BigInteger.TWO),
                    new dev.margincall.protocol.spi.LiquidationEncoder.BatchItem(quote, List.of(B, A), BigInteger.ONE, BigInteger.ZERO))))
                    .contains(new dev.margincall.protocol.spi.ContractCall(liquidator, MorphoLiquidator.liquidateBatch(List.of(
                            new MorphoLiquidator.BatchCall(PARAMS, C, seized, shares, List.of(B, A), BigInteger.TEN, BigInteger.TWO),
                            new MorphoLiquidator.BatchCall(PARAMS, C, seized, shares, List.of(B, A), BigInteger.ONE, BigInteger.ZERO)))));
        }
        assertThat(encoder.hasBatchEntry()).isTrue();
        // from the wallet: the same sizing, the owner's guards 10 bps around the quote (1,000 repaid at most 1,001; 7 seized at least 7)
        for (boolean bySeized : List.of(true, false)) {
            MorphoQuote quote = new MorphoQuote(PARAMS.id(), PARAMS, C, sized, bySeized, BigInteger.ONE, BigInteger.ONE, 18, 6, BigInteger.ONE);
            assertThat(encoder.walletBatch(liquidator, List.of(quote))).contains(new dev.margincall.protocol.spi.ContractCall(liquidator,
                    MorphoLiquidator.liquidateBatchFromOwner(List.of(new MorphoLiquidator.OwnerCall(PARAMS, C, bySeized ? BigInteger.valueOf(7) : BigInteger.ZERO,
                            bySeized ? BigInteger.ZERO : BigInteger.valueOf(999_000), BigInteger.valueOf(1_001), BigInteger.valueOf(7))))));
        }
        assertThat(encoder.fundingPremiumBps()).isZero();
    }

    @Test
    void deployDataIsTheCompiledInitCodeAndTheConstructorArguments() {
        String data = MorphoLiquidator.deployData(A, B);
        String init = MorphoLiquidator.initCode();
        assertThat(init).startsWith("0x").hasSizeGreaterThan(1_000);
        assertThat(data).isEqualTo(init + Hex.strip(Abi.encodeArguments(Abi.address(A), Abi.address(B))));
    }

    @Test
    void decodesTheLiquidatedEvent() throws IOException {
        String topic = null;
        for (JsonNode entry : abi()) {
            if (entry.path("type").asText().equals("event")) {
                topic = Abi.topic(signature(entry));
            }
        }
        assertThat(MorphoLiquidator.LIQUIDATED_TOPIC).isEqualTo(topic);
        Address contract = Address.of("0x00000000000000000000000000000000000000ff");
        LogEntry log = new LogEntry(contract, List.of(topic, PARAMS.id(), Hex.word(BigInteger.valueOf(0xb2)), Hex.word(BigInteger.valueOf(0xa1))),
                Abi.encodeArguments(Abi.uint(5), Abi.uint(6), Abi.uint(7)), 1, "0x01", "0x02", 0, false);
        assertThat(MorphoLiquidator.decodeLiquidated(log)).isEqualTo(new MorphoLiquidator.Liquidated(contract, PARAMS.id(), B, A,
                BigInteger.valueOf(5), BigInteger.valueOf(6), BigInteger.valueOf(7)));
        assertThat(MorphoLiquidator.liquidatedEvents(List.of(log), contract)).hasSize(1);
        assertThat(MorphoLiquidator.liquidatedEvents(List.of(log), A)).isEmpty();
        LogEntry other = new LogEntry(contract, List.of(MorphoBlueEvents.LIQUIDATE), "0x", 1, "0x01", "0x02", 0, false);
        assertThatThrownBy(() -> MorphoLiquidator.decodeLiquidated(other)).isInstanceOf(IllegalArgumentException.class);
    }
}
