package dev.margincall.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.core.Address;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GasModelTest {

    private static final Address WETH = Address.of("0x00000000000000000000000000000000000000e1");
    private static final Address USDC = Address.of("0x00000000000000000000000000000000000000c1");
    private static final Address WBTC = Address.of("0x00000000000000000000000000000000000000b1");

    private static GasModel.Key key(Address collateral, int batchSize) {
        return new GasModel.Key("aave-v3", collateral, USDC, Funding.FLASH_LOAN, batchSize);
    }

    @Test
    void aTooLowEstimateIsCorrectedByTheFirstReceiptThatShowsIt() {
        GasModel model = new GasModel(300_000);
        GasModel.Key single = key(WETH, 1);
        assertThat(model.estimate(single)).isEqualTo(300_000);
        model.observe(List.of(single), 494_473);
        assertThat(model.estimate(single)).isEqualTo(494_473);
    }

    @Test
    void learnedValuesConvergeToWhatReceiptsShowAndGoDownOnlyGradually() {
        GasModel model = new GasModel(800_000);
        GasModel.Key single = key(WETH, 1);
        model.observe(List.of(single), 600_000);
        assertThat(model.estimate(single)).as("the first observation replaces the default").isEqualTo(600_000);
        model.observe(List.of(single), 520_000);
        assertThat(model.estimate(single)).as("a learned value goes a quarter of the way down").isEqualTo(580_000);
        Random random = new Random(16);
        for (int i = 0; i < 60; i++) {
            model.observe(List.of(single), 480_000 + random.nextInt(20_001)); // receipts between 480k and 500k
        }
        assertThat(model.estimate(single)).isBetween(480_000L, 500_000L);
    }

    @Test
    void aBatchSharesItsGasAmongItsItemsAndEachBatchSizeLearnsItsOwnCost() {
        GasModel model = new GasModel(500_000);
        List<GasModel.Key> batch = Collections.nCopies(13, key(WETH, 13));
        model.observe(batch, 2_428_430);
        assertThat(model.estimate(key(WETH, 13))).isEqualTo(186_802);
        assertThat(model.estimate(batch)).isEqualTo(13 * 186_802L);
        // a larger size never seen costs at most an item of a smaller one; a smaller size at most the larger batch's whole gas
        assertThat(model.estimate(key(WETH, 20))).isEqualTo(186_802);
        assertThat(model.estimate(List.of(key(WETH, 12)))).as("12 items: at most what 13 cost").isEqualTo(202_369);
        assertThat(model.estimate(key(WBTC, 13))).as("another pair: the bound its measured sizes give").isEqualTo(186_802);
        assertThat(model.estimate(key(WETH, 1))).as("a single is never estimated from batched items").isEqualTo(500_000);
        model.observe(List.of(key(WETH, 1)), 494_473);
        assertThat(model.estimate(key(WETH, 2))).as("a batched item never from a single").isEqualTo(1_214_213);
        model.observe(Collections.nCopies(4, key(WETH, 4)), 1_500_000);
        assertThat(model.estimate(key(WETH, 8))).as("between two sizes: the smaller one's item").isEqualTo(375_000);
        assertThat(model.estimate(key(WETH, 2))).as("below every size: the smallest batch's whole gas").isEqualTo(750_000);
        // a mixed batch: the observation is split in proportion to the current estimates
        GasModel.Key weth = key(WETH, 2);
        GasModel.Key wbtc = key(WBTC, 2);
        model.observe(List.of(weth, wbtc), 1_200_000); // predicted 186,802 × 2: both go up at once
        assertThat(model.estimate(List.of(weth, wbtc))).isBetween(1_199_998L, 1_200_002L);
        // a batch's estimate is its items' (each distinct key estimated once, counted as often as it comes)
        assertThat(model.estimate(List.of(weth, wbtc, weth, weth))).isEqualTo(3 * model.estimate(weth) + model.estimate(wbtc));
    }

    @Test
    void beforeAnythingOfItsKindIsLearnedABatchedItemIsTakenAtHalfTheSingleDefault() {
        GasModel model = new GasModel(900_000);
        assertThat(model.guessing(key(WETH, 20))).isTrue();
        assertThat(model.estimate(key(WETH, 20))).isEqualTo(450_000);
        assertThat(model.estimate(key(WETH, 1))).isEqualTo(900_000);
        model.observe(Collections.nCopies(20, key(WBTC, 20)), 5_000_000);
        assertThat(model.guessing(key(WETH, 20))).as("another pair of its kind was measured").isFalse();
        assertThat(model.guessing(key(WETH, 1))).as("singles still guess").isTrue();
        assertThat(model.estimate(key(WETH, 20))).isEqualTo(250_000);
    }

    @Test
    void aSingleOfAPairNeverMeasuredIsNotEstimatedBelowThePriorFromACheaperPair() {
        GasModel model = new GasModel(450_000);
        model.observe(List.of(key(WETH, 1)), 220_580);
        assertThat(model.estimate(key(WBTC, 1))).as("another pair's lower cost is no evidence").isEqualTo(450_000);
        model.observe(List.of(key(WETH, 1)), 600_000);
        assertThat(model.estimate(key(WBTC, 1))).as("another pair's higher cost is").isEqualTo(600_000);
        model.observe(List.of(key(WBTC, 1)), 302_502);
        assertThat(model.estimate(key(WBTC, 1))).as("once measured, its own").isEqualTo(302_502);
    }

    @Test
    void nonsenseIsRefusedOrIgnored() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new GasModel(0)).isInstanceOf(IllegalArgumentException.class);
        GasModel model = new GasModel(300_000);
        model.observe(List.of(), 1_000);
        model.observe(List.of(key(WETH, 1)), 0);
        assertThat(model.estimate(key(WETH, 1))).isEqualTo(300_000);
    }
}
