package dev.margincall.protocol.morphoblue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.margincall.chain.LogEntry;
import dev.margincall.chain.abi.Abi;
import dev.margincall.core.Address;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** The event topics against abis/MorphoBlue.json (EventsLib's events), and which topic names the account. */
class MorphoBlueEventsTest {

    private static final String ID = "0x" + "ab".repeat(32);
    private static final Address ALICE = Address.of("0x00000000000000000000000000000000000a11ce");
    private static final Address BOB = Address.of("0x0000000000000000000000000000000000000b0b");

    @Test
    void topicsAreTheAbisEventSignaturesAndTheAccountIsTheIndexedOnBehalfOrBorrower() throws Exception {
        JsonNode abi = new ObjectMapper().readTree(Path.of("abis", "MorphoBlue.json").toFile());
        Map<String, String> topics = new HashMap<>();
        Map<String, Integer> accountTopic = new HashMap<>();
        for (JsonNode entry : abi) {
            if (!entry.path("type").asText().equals("event")) {
                continue;
            }
            List<JsonNode> inputs = StreamSupport.stream(entry.path("inputs").spliterator(), false).toList();
            String signature = entry.path("name").asText() + "(" + inputs.stream().map(MorphoBlueEventsTest::type).collect(Collectors.joining(",")) + ")";
            topics.put(entry.path("name").asText(), Abi.topic(signature));
            int topic = 0;
            for (JsonNode input : inputs) {
                if (input.path("indexed").asBoolean()) {
                    topic++;
                    if (List.of("onBehalf", "borrower").contains(input.path("name").asText())) {
                        accountTopic.put(entry.path("name").asText(), topic);
                    }
                }
            }
        }
        assertThat(Map.of("CreateMarket", MorphoBlueEvents.CREATE_MARKET, "Supply", MorphoBlueEvents.SUPPLY, "Withdraw", MorphoBlueEvents.WITHDRAW,
                "Borrow", MorphoBlueEvents.BORROW, "Repay", MorphoBlueEvents.REPAY, "SupplyCollateral", MorphoBlueEvents.SUPPLY_COLLATERAL,
                "WithdrawCollateral", MorphoBlueEvents.WITHDRAW_COLLATERAL, "Liquidate", MorphoBlueEvents.LIQUIDATE,
                "AccrueInterest", MorphoBlueEvents.ACCRUE_INTEREST, "SetFee", MorphoBlueEvents.SET_FEE))
                .allSatisfy((name, topic) -> assertThat(topic).as(name).isEqualTo(topics.get(name)));
        for (Map.Entry<String, Integer> e : accountTopic.entrySet()) {
            String topic0 = topics.get(e.getKey());
            List<String> logTopics = new java.util.ArrayList<>(List.of(topic0, ID, word(BOB), word(BOB)));
            logTopics.set(e.getValue(), word(ALICE));
            assertThat(MorphoBlueEvents.positionTouched(log(logTopics, "0x")))
                    .as(e.getKey()).contains(new MorphoBlueEvents.PositionTouched(ID, ALICE));
        }
        assertThat(accountTopic).hasSize(MorphoBlueEvents.POSITION_EVENTS.size());
        assertThat(MorphoBlueEvents.positionTouched(log(List.of(MorphoBlueEvents.ACCRUE_INTEREST, ID), "0x"))).isEmpty();
    }

    @Test
    void aCreateMarketLogIsCheckedAgainstItsId() {
        MarketParams params = new MarketParams(ALICE, BOB, Address.of("0x00000000000000000000000000000000000000c1"), Address.ZERO,
                new BigInteger("860000000000000000"));
        String data = "0x" + Abi.encodeArguments(params.with());
        assertThat(MorphoBlueEvents.marketCreated(log(List.of(MorphoBlueEvents.CREATE_MARKET, params.id()), data)))
                .contains(new MorphoBlueEvents.MarketCreated(params.id(), params));
        assertThatThrownBy(() -> MorphoBlueEvents.marketCreated(log(List.of(MorphoBlueEvents.CREATE_MARKET, ID), data)))
                .hasMessageContaining("but its params hash to " + params.id());
    }

    private static String type(JsonNode input) {
        if (input.path("type").asText().equals("tuple")) {
            return "(" + StreamSupport.stream(input.path("components").spliterator(), false).map(MorphoBlueEventsTest::type)
                    .collect(Collectors.joining(",")) + ")";
        }
        return input.path("type").asText();
    }

    private static String word(Address address) {
        return "0x" + "0".repeat(24) + address.hex().substring(2);
    }

    private static LogEntry log(List<String> topics, String data) {
        return new LogEntry(Address.ZERO, topics, data, 1, "0x" + "00".repeat(32), "0x" + "11".repeat(32), 0, false);
    }
}
