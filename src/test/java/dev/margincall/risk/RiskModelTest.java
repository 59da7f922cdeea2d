package dev.margincall.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.margincall.core.Address;
import dev.margincall.protocol.aavev3.AaveV3RiskSnapshot;
import dev.margincall.protocol.aavev3.bench.SyntheticMarket;
import dev.margincall.protocol.aavev3.model.Market;
import dev.margincall.protocol.aavev3.model.Position;
import dev.margincall.protocol.spi.AccountHealth;
import dev.margincall.protocol.spi.MarketId;
import dev.margincall.protocol.spi.Quote;
import dev.margincall.protocol.spi.RiskAsset;
import dev.margincall.protocol.spi.RiskSnapshot;
import dev.margincall.protocol.spi.ShockedMarket;
import dev.margincall.protocol.spi.Valuation;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The report's cliff against brute force: at every step of every scenario, the accounts it counts as
 * liquidatable, their total debt, repayable debt and bonus are those the protocol's exact evaluation and
 * quotes ({@code LiquidationMath.quotes}) give when every account is evaluated at that step's prices.
 */
class RiskModelTest {

    static final Valuation USD8 = new Valuation(BigInteger.TEN.pow(8));

    private static RiskSnapshot snapshot;
    private static MarketRisk risk;

    static RiskSnapshot syntheticSnapshot(int accounts, long seed) {
        return RiskModelFixtures.synthetic(accounts, seed);
    }

    @BeforeAll
    static void analyse() {
        snapshot = syntheticSnapshot(3_000, 7);
        risk = RiskModel.analyse(snapshot, ReportSettings.defaults(), List.of());
    }

    /** What every account's exact evaluation and quotes at one set of prices give: repayable and bonus from the full quotes. */
    private record Brute(int count, BigInteger debt, int bad, BitSet liquidatable, BigInteger repayable, BigInteger bonus) {
    }

    private static Brute bruteForce(Map<Address, BigInteger> prices) {
        return bruteForce(snapshot, prices);
    }

    private static Brute bruteForce(RiskSnapshot snapshot, Map<Address, BigInteger> prices) {
        ShockedMarket market = snapshot.at(prices);
        int count = 0;
        int bad = 0;
        BigInteger debt = BigInteger.ZERO;
        BigInteger repayable = BigInteger.ZERO;
        BigInteger bonus = BigInteger.ZERO;
        BitSet liquidatable = new BitSet();
        for (int i = 0; i < snapshot.size(); i++) {
            AccountHealth health = market.health(i);
            if (health.liquidatable()) {
                count++;
                debt = debt.add(health.debtValue());
                liquidatable.set(i);
                BigInteger bestRepaid = null;
                BigInteger bestBonus = null;
                for (Quote quote : market.quotes(i)) { // the largest repayment, then the larger bonus
                    BigInteger quoteBonus = quote.collateralValue().subtract(quote.debtValue());
                    int order = bestRepaid == null ? 1 : quote.debtValue().compareTo(bestRepaid);
                    if (order > 0 || (order == 0 && quoteBonus.compareTo(bestBonus) > 0)) {
                        bestRepaid = quote.debtValue();
                        bestBonus = quoteBonus;
                    }
                }
                if (bestRepaid != null) {
                    repayable = repayable.add(bestRepaid);
                    bonus = bonus.add(bestBonus);
                }
            }
            if (health.uncovered().signum() > 0) {
                bad++;
            }
        }
        return new Brute(count, debt, bad, liquidatable, repayable, bonus);
    }

    private static Map<Address, BigInteger> prices(CliffStep step) {
        return prices(snapshot, step);
    }

    private static Map<Address, BigInteger> prices(RiskSnapshot snapshot, CliffStep step) {
        Map<Address, BigInteger> prices = new HashMap<>();
        for (RiskAsset asset : snapshot.assets()) {
            BigInteger price = step.prices().get(asset.symbol());
            if (price != null) {
                prices.put(asset.asset(), price);
            }
        }
        return prices;
    }

    @Test
    void everyStepOfEveryScenarioMatchesTheExactEvaluationOfEveryAccount() {
        assertThat(risk.scenarios()).extracting(CliffScenario::name).contains("WETH", "WBTC", "USDC", "correlated");
        assertThat(matchesBruteForce(snapshot, risk)).isGreaterThanOrEqualTo(5 * 50);
    }

    @Test
    void onTheAave36RulesToo() {
        // 3.6 rounds balances and debt values in the protocol's favour: moved debt lines must be valued rounding up
        RiskSnapshot v36 = RiskModelFixtures.synthetic(1_500, 36, dev.margincall.protocol.aavev3.model.AaveRules.V3_6);
        assertThat(v36.debtValueRoundsUp()).isTrue();
        assertThat(matchesBruteForce(v36, RiskModel.analyse(v36, ReportSettings.defaults(), List.of()))).isGreaterThanOrEqualTo(5 * 50);
    }

    /** Every step of every scenario against the exact evaluation of every account; returns the steps checked. */
    private static int matchesBruteForce(RiskSnapshot snapshot, MarketRisk risk) {
        int checked = 0;
        for (CliffScenario scenario : risk.scenarios()) {
            BitSet previous = bruteForce(snapshot, Map.of()).liquidatable;
            for (CliffStep step : scenario.steps()) {
                Brute brute = bruteForce(snapshot, prices(snapshot, step));
                assertThat(step.cumulative().accounts()).as("%s −%s %%: liquidatable accounts", scenario.name(), step.dropPct()).isEqualTo(brute.count);
                assertThat(step.cumulative().debtValue()).as("%s −%s %%: their debt", scenario.name(), step.dropPct()).isEqualTo(brute.debt);
                assertThat(step.cumulative().badDebtAccounts()).as("%s −%s %%: accounts in bad debt", scenario.name(), step.dropPct())
                        .isEqualTo(brute.bad);
                assertThat(step.cumulative().repayableValue()).as("%s −%s %%: repayable debt, every account quoted at this step", scenario.name(),
                        step.dropPct()).isEqualTo(brute.repayable);
                assertThat(step.cumulative().bonusValue()).as("%s −%s %%: the liquidators' bonus", scenario.name(), step.dropPct())
                        .isEqualTo(brute.bonus);
                BitSet entering = (BitSet) brute.liquidatable.clone();
                entering.andNot(previous);
                assertThat(step.newly().accounts()).as("%s −%s %%: newly liquidatable", scenario.name(), step.dropPct())
                        .isEqualTo(entering.cardinality());
                previous = brute.liquidatable;
                checked++;
            }
        }
        return checked;
    }

    @Test
    void theCliffIsSteepEnoughToMeanSomething() {
        CliffScenario weth = risk.scenarios().stream().filter(s -> s.name().equals("WETH")).findFirst().orElseThrow();
        CliffStep last = weth.steps().get(weth.steps().size() - 1);
        assertThat(last.dropPct()).isEqualTo(50.0);
        assertThat(last.cumulative().accounts()).isGreaterThan(risk.liquidatableNow().accounts() + 10);
        assertThat(last.cumulative().repayableValue()).isPositive();
        assertThat(last.cumulative().bonusValue()).isPositive();
        assertThat(last.cumulative().collateralUnits()).containsKey("WETH");
        CliffScenario correlated = risk.scenarios().stream().filter(s -> s.kind().equals("correlated")).findFirst().orElseThrow();
        assertThat(correlated.assets()).contains("WETH", "WBTC", "wstETH").doesNotContain("USDC", "DAI", "USDT");
        assertThat(correlated.steps().get(49).cumulative().accounts()).isGreaterThanOrEqualTo(last.cumulative().accounts());
    }

    @Test
    void newlyLiquidatableFiguresAreTheProtocolsAtTheirStep() {
        CliffScenario wbtc = risk.scenarios().stream().filter(s -> s.name().equals("WBTC")).findFirst().orElseThrow();
        CliffStep step = wbtc.steps().stream().filter(s -> s.newly().accounts() > 0).findFirst().orElseThrow();
        ShockedMarket market = snapshot.at(prices(step));
        ShockedMarket before = snapshot.at(step.dropBps() == wbtc.steps().get(0).dropBps() ? Map.of() : prices(wbtc.steps().get(wbtc.steps().indexOf(step) - 1)));
        BigInteger debt = BigInteger.ZERO;
        BigInteger repayable = BigInteger.ZERO;
        BigInteger collateral = BigInteger.ZERO;
        int count = 0;
        for (int i = 0; i < snapshot.size(); i++) {
            if (market.health(i).liquidatable() && !before.health(i).liquidatable()) {
                count++;
                debt = debt.add(market.health(i).debtValue());
                collateral = collateral.add(market.health(i).collateralValue());
                repayable = repayable.add(market.quotes(i).stream().map(q -> q.debtValue()).max(BigInteger::compareTo).orElseThrow());
            }
        }
        assertThat(step.newly().accounts()).isEqualTo(count);
        assertThat(step.newly().debtValue()).isEqualTo(debt);
        assertThat(step.newly().collateralValue()).isEqualTo(collateral);
        assertThat(step.newly().repayableValue()).isEqualTo(repayable);
    }

    @Test
    void nearestAccountsAreTheLowestHealthFactorsWithTheirMargins() {
        assertThat(risk.nearest()).hasSize(25);
        assertThat(risk.nearest()).isSortedAccordingTo((a, b) -> a.healthFactor().compareTo(b.healthFactor()));
        NearAccount firstHealthy = risk.nearest().stream().filter(a -> a.healthFactorDisplay() >= 1).findFirst().orElse(null);
        if (firstHealthy != null) {
            assertThat(firstHealthy.safetyMarginPct()).isPositive();
            assertThat(firstHealthy.liquidationPrices()).isNotEmpty();
        }
        assertThat(risk.nearest().get(0).healthFactorDisplay()).isLessThan(1);
        assertThat(risk.nearest().get(0).safetyMarginPct()).isZero();
    }

    @Test
    void histogramsCountTheHoldersOfEachCollateral() {
        PriceHistogram weth = risk.liquidationPrices().stream().filter(h -> h.symbol().equals("WETH")).findFirst().orElseThrow();
        assertThat(weth.bins()).hasSize(50);
        assertThat(weth.bins().get(0).toPrice()).isEqualTo(BigInteger.valueOf(2_000_00000000L));
        assertThat(weth.bins().stream().mapToInt(PriceHistogram.Bin::accounts).sum()).isPositive();
    }

    @Test
    void settingsRejectWhatCannotBeComputed() {
        assertThatThrownBy(() -> new ReportSettings(List.of(500, 100), 5, 200, List.of(1_000), 1, 10, false))
                .hasMessageContaining("ascending");
        assertThatThrownBy(() -> new ReportSettings(List.of(100), 5, 200, List.of(10_000), 1, 10, false))
                .hasMessageContaining("between 1 and 9999");
        assertThatThrownBy(() -> ReportSettings.steps(0, 50)).hasMessageContaining("0 < step");
        assertThat(ReportSettings.steps(2.5, 10)).containsExactly(250, 500, 750, 1_000);
    }
}
