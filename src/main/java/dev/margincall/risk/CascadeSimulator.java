package dev.margincall.risk;

import dev.margincall.core.Address;
import dev.margincall.protocol.spi.AccountHealth;
import dev.margincall.protocol.spi.Quote;
import dev.margincall.protocol.spi.RiskAsset;
import dev.margincall.protocol.spi.ShockedMarket;
import dev.margincall.protocol.spi.Valuation;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A cascade estimate for one asset. Round 1 sees the initial fall; the pool has been arbitraged to that
 * price (its constant product kept). Every account liquidatable at the round's oracle price and not
 * liquidated yet is liquidated once, by the protocol's largest quote seizing this asset (if it has one);
 * the seized collateral is sold into the pool (constant product, fee), which moves the pool price; the
 * oracle shows the pool price {@code oracleLagRounds} rounds later. Rounds go on until a round liquidates
 * nothing and the oracle has caught up with the pool, or the round bound is reached. What it leaves out:
 * an account is liquidated once (what a partial liquidation leaves is not liquidated again), arbitrage
 * from other pools and other sellers, and the protocol fee's collateral (paid to the treasury, not sold).
 */
final class CascadeSimulator {

    private static final BigInteger BPS = BigInteger.valueOf(10_000);

    private final ExposureTable table;
    private final Crossing[] crossings;

    /** @param crossings each account's health-factor crossing for this asset alone falling */
    CascadeSimulator(ExposureTable table, Crossing[] crossings) {
        this.table = table;
        this.crossings = crossings;
    }

    Cascade run(int asset, Venue venue, int initialDropBps, int oracleLagRounds, int maxRounds) {
        List<RiskAsset> assets = table.snapshot.assets();
        RiskAsset falling = assets.get(asset);
        RiskAsset quote = assets.stream().filter(a -> a.asset().equals(venue.quoteAsset())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("venue " + venue.name() + " quotes in an asset the market does not list"));
        Valuation valuation = table.snapshot.valuation();
        BigInteger p0 = falling.price();
        BigInteger start = Scenario.fallen(p0, initialDropBps);
        Pool pool = Pool.at(venue, start, falling, quote);

        List<BigInteger> poolAfter = new ArrayList<>();
        poolAfter.add(start);
        boolean[] liquidated = new boolean[table.size()];
        List<Integer> liquidatedSoFar = new ArrayList<>();
        List<CascadeRound> rounds = new ArrayList<>();
        BigInteger oracle = start;
        boolean settled = false;
        for (int round = 1; round <= maxRounds; round++) {
            oracle = poolAfter.get(Math.max(0, round - oracleLagRounds));
            double drop = 1 - new BigDecimal(oracle).divide(new BigDecimal(p0), MathContext.DECIMAL64).doubleValue();
            ShockedMarket market = table.snapshot.at(Map.of(falling.asset(), oracle));
            int newly = 0;
            BigInteger debt = BigInteger.ZERO;
            BigInteger repaid = BigInteger.ZERO;
            BigInteger seized = BigInteger.ZERO;
            for (int j = 0; j < table.size(); j++) {
                int account = table.account[j];
                if (liquidated[j]) {
                    continue;
                }
                // liquidatable before the fall: the fall may have healed it (it owes the asset), so the protocol decides
                boolean liquidatable = table.liquidatableNow[j] ? market.health(account).liquidatable()
                        : crossings[j].crossedAt(drop, () -> market.health(account).liquidatable());
                if (!liquidatable) {
                    continue;
                }
                liquidated[j] = true;
                liquidatedSoFar.add(j);
                newly++;
                debt = debt.add(market.health(account).debtValue());
                Quote best = seizing(market.quotes(account), falling.asset());
                if (best != null) {
                    repaid = repaid.add(best.debtValue());
                    seized = seized.add(best.collateralToLiquidator());
                }
            }
            BigInteger before = pool.price();
            pool = pool.sell(seized, venue.feeBps());
            BigInteger after = pool.price();
            poolAfter.add(after);
            double impact = before.signum() == 0 ? 0
                    : 1 - new BigDecimal(after).divide(new BigDecimal(before), MathContext.DECIMAL64).doubleValue();
            BigInteger badDebt = liquidatedSoFar.stream().map(j -> market.health(table.account[j])).map(AccountHealth::uncovered)
                    .reduce(BigInteger.ZERO, BigInteger::add);
            BigInteger seizedValue = seized.multiply(oracle).divide(BigInteger.TEN.pow(falling.decimals()));
            rounds.add(new CascadeRound(round, oracle, TotalsBuilder.usd(valuation, oracle), pct(drop), newly, debt, TotalsBuilder.usd(valuation, debt),
                    repaid, TotalsBuilder.usd(valuation, repaid), seized, seizedValue, TotalsBuilder.usd(valuation, seizedValue), after,
                    TotalsBuilder.usd(valuation, after), pct(impact), badDebt, TotalsBuilder.usd(valuation, badDebt)));
            BigInteger nextOracle = poolAfter.get(Math.max(0, round + 1 - oracleLagRounds));
            if (newly == 0 && seized.signum() == 0 && nextOracle.equals(oracle)) {
                settled = true;
                break;
            }
        }
        double initial = initialDropBps / 100.0;
        double finalDrop = pct(1 - new BigDecimal(pool.price()).divide(new BigDecimal(p0), MathContext.DECIMAL64).doubleValue());
        return new Cascade(falling.symbol(), venue.name(), initial, oracleLagRounds, rounds, finalDrop,
                Math.round(finalDrop / initial * 1000) / 1000.0, settled);
    }

    /** The liquidation that seizes the most of {@code asset}'s collateral value: liquidators sell what they seize. */
    private static Quote seizing(List<Quote> quotes, Address asset) {
        return quotes.stream().filter(q -> q.collateralAsset().equals(asset)).max(AccountFigures.BY_DEBT_REPAID).orElse(null);
    }

    private static double pct(double fraction) {
        return Math.round(fraction * 10_000) / 100.0;
    }

    /** The pool's reserves (token units) and how to value its price in the market's unit through the quote asset's price. */
    private record Pool(BigInteger assetReserve, BigInteger quoteReserve, RiskAsset asset, RiskAsset quote) {

        /** Reserves with the same constant product whose price is {@code price} (arbitrage to the oracle). */
        static Pool at(Venue venue, BigInteger price, RiskAsset asset, RiskAsset quote) {
            BigInteger k = venue.assetReserve().multiply(venue.quoteReserve());
            // quote/asset = price·10^dq / (quotePrice·10^da)  ⇒  asset² = k·quotePrice·10^da / (price·10^dq)
            BigInteger assetReserve = k.multiply(quote.price()).multiply(BigInteger.TEN.pow(asset.decimals()))
                    .divide(price.multiply(BigInteger.TEN.pow(quote.decimals()))).sqrt().max(BigInteger.ONE);
            return new Pool(assetReserve, k.divide(assetReserve), asset, quote);
        }

        /** One whole asset token in the market's value unit. */
        BigInteger price() {
            return quoteReserve.multiply(quote.price()).multiply(BigInteger.TEN.pow(asset.decimals()))
                    .divide(assetReserve.multiply(BigInteger.TEN.pow(quote.decimals())));
        }

        /** Uniswap V2's getAmountOut: the fee stays in the pool. */
        Pool sell(BigInteger amountIn, int feeBps) {
            if (amountIn.signum() == 0) {
                return this;
            }
            BigInteger inWithFee = amountIn.multiply(BPS.subtract(BigInteger.valueOf(feeBps)));
            BigInteger out = inWithFee.multiply(quoteReserve).divide(assetReserve.multiply(BPS).add(inWithFee));
            return new Pool(assetReserve.add(amountIn), quoteReserve.subtract(out), asset, quote);
        }
    }
}
