package dev.margincall.protocol.aavev3.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.margincall.protocol.aavev3.bench.SyntheticMarket;
import dev.margincall.core.Address;
import java.math.BigInteger;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The book's ranking goes through {@link LiquidationMath}, the rule the keeper executes: each candidate is its
 * account's most profitable quote, valued in the base currency. WETH (reserve 0, $2,000, LT 82.5 %, bonus 5 %)
 * backs USDC (reserve 1) or DAI (reserve 3) debt in the synthetic market.
 */
class LiquidationCandidateTest {

    private static final int WETH = 0;
    private static final int USDC = 1;
    private static final int DAI = 3;
    private static final Address USER = SyntheticMarket.address(0xa1);

    private final Market market = SyntheticMarket.market();
    private final AaveV3Book book = new AaveV3Book(market, SyntheticMarket.prices(), SyntheticMarket.T0);

    @Test
    void aCandidateIsTheBestQuoteOfTheLiquidationRuleInTheBaseCurrency() {
        book.updatePositions(List.of(position(5, Map.of(USDC, 6_000L, DAI, 3_000L))));
        LiquidationCandidate candidate = only(book.candidates());

        List<LiquidationQuote> quotes = LiquidationMath.quotes(block(), book.position(USER).orElseThrow());
        assertThat(quotes).hasSize(2);
        LiquidationQuote best = quotes.stream().max(Comparator.comparing(q -> q.collateralValue().subtract(q.debtValue()))).orElseThrow();
        assertThat(candidate.debtAsset()).isEqualTo(best.debtAsset());
        assertThat(candidate.collateralAsset()).isEqualTo(best.collateralAsset());
        assertThat(candidate.debtToCoverBase()).isEqualTo(best.debtValue());
        assertThat(candidate.collateralSeizedBase()).isEqualTo(best.collateralValue());
        assertThat(candidate.expectedProfitBase()).isEqualTo(best.collateralValue().subtract(best.debtValue())).isPositive();
        assertThat(candidate.healthFactor()).isEqualTo(book.evaluation(USER).orElseThrow().healthFactor());
    }

    @Test
    void atOrBelowHealthFactor095TheWholeDebtIsCovered() {
        // $10,000 of WETH at 82.5 % against $9,000: HF 0.917
        book.updatePositions(List.of(position(5, Map.of(USDC, 9_000L))));
        AccountData totals = book.evaluation(USER).orElseThrow();
        assertThat(totals.healthFactor()).isLessThan(LiquidationMath.CLOSE_FACTOR_HF_THRESHOLD);
        LiquidationCandidate candidate = only(book.candidates());
        assertThat(candidate.debtToCoverBase().doubleValue()).isCloseTo(totals.totalDebtBase().doubleValue(), within(2.0));
        // the bonus, 5 % of the debt covered, less the protocol's 10 % share of it
        assertThat(candidate.expectedProfitBase().doubleValue()).isCloseTo(candidate.debtToCoverBase().doubleValue() * 0.045, within(1e3));
    }

    @Test
    void aboveHealthFactor095OnlyHalf() {
        // $10,000 against $8,500: HF 0.971
        book.updatePositions(List.of(position(5, Map.of(USDC, 8_500L))));
        AccountData totals = book.evaluation(USER).orElseThrow();
        assertThat(totals.healthFactor()).isGreaterThan(LiquidationMath.CLOSE_FACTOR_HF_THRESHOLD).isLessThan(WadRayMath.WAD);
        LiquidationCandidate candidate = only(book.candidates());
        assertThat(candidate.debtToCoverBase().doubleValue()).isCloseTo(totals.totalDebtBase().doubleValue() / 2, within(2.0));
    }

    @Test
    void tooLittleCollateralCapsTheSeizureAndReducesTheDebtCovered() {
        // $10,000 against $16,500: covering all of it would need $17,325 of collateral
        book.updatePositions(List.of(position(5, Map.of(USDC, 16_500L))));
        AccountData totals = book.evaluation(USER).orElseThrow();
        LiquidationCandidate candidate = only(book.candidates());
        // the liquidator keeps 9/10 of the bonus (the profit), the protocol 1/10
        BigInteger protocolShare = candidate.expectedProfitBase().divide(BigInteger.valueOf(9));
        assertThat(candidate.debtToCoverBase()).isLessThan(totals.totalDebtBase());
        assertThat(candidate.collateralSeizedBase()).isLessThanOrEqualTo(totals.totalCollateralBase());
        assertThat(candidate.collateralSeizedBase().add(protocolShare).doubleValue())
                .as("all the collateral: seized + the protocol's tenth of the bonus").isCloseTo(totals.totalCollateralBase().doubleValue(), within(1e3));
    }

    @Test
    void aHealthyAccountIsNoCandidate() {
        book.updatePositions(List.of(position(5, Map.of(USDC, 5_000L))));
        assertThat(book.candidates()).isEmpty();
    }

    private static LiquidationCandidate only(List<LiquidationCandidate> candidates) {
        assertThat(candidates).hasSize(1);
        assertThat(candidates.get(0).account()).isEqualTo(USER);
        return candidates.get(0);
    }

    private BlockContext block() {
        return new BlockContext(market, SyntheticMarket.prices(), SyntheticMarket.T0);
    }

    /** {@code weth} WETH of collateral and debts in dollars of stablecoin (scaled amounts: the synthetic indexes are within 1e-7 of 1). */
    private static Position position(long weth, Map<Integer, Long> debtDollars) {
        Map<Integer, Position.Balances> balances = new java.util.HashMap<>();
        BigInteger configuration = BigInteger.ZERO.setBit(WETH * 2 + 1);
        balances.put(WETH, new Position.Balances(BigInteger.TEN.pow(18).multiply(BigInteger.valueOf(weth)), BigInteger.ZERO, BigInteger.ZERO,
                BigInteger.ZERO, 0));
        for (Map.Entry<Integer, Long> debt : debtDollars.entrySet()) {
            BigInteger scaled = BigInteger.TEN.pow(SyntheticMarket.decimals(debt.getKey())).multiply(BigInteger.valueOf(debt.getValue()));
            balances.put(debt.getKey(), new Position.Balances(BigInteger.ZERO, scaled, BigInteger.ZERO, BigInteger.ZERO, 0));
            configuration = configuration.setBit(debt.getKey() * 2);
        }
        return new Position(USER, configuration, 0, balances);
    }
}
