package dev.margincall.risk;

import dev.margincall.protocol.spi.LiquidationSums;
import dev.margincall.protocol.spi.ShockedMarket;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The cliff of one scenario. Each account's health factor is linear-fractional in the fall, so its
 * crossing of 1 is found once from its exposure, and the protocol's exact evaluation is asked only for
 * falls within the rounding band around that crossing: accounts are bucketed by the first step that
 * liquidates them, and only those newly liquidatable at a step are evaluated and quoted there.
 *
 * <p>Figures at a step: the newly liquidatable exactly (evaluation and quotes at that step). Cumulative
 * count, debt and bad-debt count exactly: debt owed in a falling asset is revalued at the step's price as
 * the protocol values it; accounts liquidatable (or in bad debt) before the fall whose health the fall
 * improves (they owe the falling asset) are checked at every step, by the linear model away from their
 * crossing and by the exact evaluation near it. Repayable debt and bonus: every liquidatable account's largest
 * liquidation at every step's prices ({@link ShockedMarket#largestLiquidation}). Cumulative collateral and uncovered
 * debt are linear in the fall.
 */
final class CliffCalculator {

    private static final BigInteger BPS = BigInteger.valueOf(10_000);
    private static final int BEFORE_ANY_FALL = -2;

    private final ExposureTable table;
    private final AccountFigures[] now;
    private final List<String> symbols;

    /** @param now each indebted account's figures at the snapshot's prices when it is liquidatable already (null otherwise) */
    CliffCalculator(ExposureTable table, AccountFigures[] now, List<String> symbols) {
        this.table = table;
        this.now = now;
        this.symbols = symbols;
    }

    /** The scenario's cliff and each account's crossing (reused by the cascade). */
    record Result(CliffScenario scenario, Crossing[] crossings) {
    }

    /** One account's exposure to the scenario's assets (doubles: the screen) and its rounding band. */
    private record Share(double weighted, double debt, double collateral, double relative, double absolute) {
    }

    Result compute(Scenario scenario, List<Integer> dropsBps, boolean listAccounts) {
        int n = table.size();
        int steps = dropsBps.size();
        double[] drops = dropsBps.stream().mapToDouble(b -> b / 10_000.0).toArray();
        ShockedMarket[] markets = new ShockedMarket[steps];
        BigInteger[][] stepPrices = new BigInteger[steps][];
        for (int k = 0; k < steps; k++) {
            markets[k] = scenario.at(table.snapshot, dropsBps.get(k));
            stepPrices[k] = new BigInteger[table.unit.length];
            for (int a = 0; a < table.unit.length; a++) {
                if (scenario.falls()[a]) {
                    stepPrices[k][a] = Scenario.fallen(table.snapshot.assets().get(a).price(), dropsBps.get(k));
                }
            }
        }
        Crossing.StepCheck liquidatableAt = (k, account) -> markets[k].health(account).liquidatable();
        Crossing.StepCheck inBadDebtAt = (k, account) -> markets[k].health(account).uncovered().signum() > 0;
        Share[] shares = new Share[n];
        Crossing[] crossings = new Crossing[n];
        int[] entry = new int[n];
        int[] badEntry = new int[n];
        IntStream.range(0, n).parallel().forEach(j -> {
            Share share = share(j, scenario.falls());
            shares[j] = share;
            int account = table.account[j];
            if (table.liquidatableNow[j]) {
                crossings[j] = new Crossing(0, 0);
                entry[j] = BEFORE_ANY_FALL;
            } else {
                crossings[j] = share.weighted == 0 && share.debt == 0 ? Crossing.NEVER
                        : Crossing.healthFactor(table.weighted[j], table.debt[j], share.weighted, share.debt, share.relative);
                entry[j] = crossings[j].firstStep(drops, liquidatableAt, account);
            }
            if (table.badDebtNow[j]) {
                badEntry[j] = BEFORE_ANY_FALL;
            } else {
                badEntry[j] = (share.collateral == 0 && share.debt == 0 ? Crossing.NEVER
                        : Crossing.badDebt(table.collateral[j], table.debt[j], share.collateral, share.debt, share.absolute))
                        .firstStep(drops, inBadDebtAt, account);
            }
        });

        // the newly liquidatable, valued by the protocol at the step that liquidates them (their lines revalued as the protocol
        // values them: no second evaluation) with their largest liquidation there (all the figures need of the quotes)
        AccountFigures[] figures = new AccountFigures[n];
        IntStream.range(0, n).parallel().filter(j -> entry[j] >= 0).forEach(j -> {
            BigInteger[] prices = stepPrices[entry[j]];
            figures[j] = AccountFigures.of(table.debtAt(j, prices), table.collateralAt(j, prices),
                    markets[entry[j]].largestLiquidation(table.account[j]));
        });
        List<List<Integer>> entering = buckets(entry, steps);
        List<List<Integer>> turningBad = buckets(badEntry, steps);

        boolean[] falls = scenario.falls();
        // accounts liquidatable (in bad debt) before any fall that owe a falling asset may leave the set as it falls: the first step they are out
        int[] exit = new int[n];
        int[] badExit = new int[n];
        IntStream.range(0, n).parallel().forEach(j -> {
            Share share = shares[j];
            int account = table.account[j];
            exit[j] = entry[j] == BEFORE_ANY_FALL && improves(share.debt, share.weighted, table.debt[j], table.weighted[j], share.relative)
                    ? firstStepOut(drops, x -> (table.weighted[j] - share.weighted * x) - (table.debt[j] - share.debt * x),
                            x -> share.relative * (table.debt[j] - share.debt * x), k -> markets[k].health(account).liquidatable())
                    : Crossing.NO_STEP;
            badExit[j] = badEntry[j] == BEFORE_ANY_FALL && improves(share.debt, share.collateral, table.debt[j], table.collateral[j], share.relative)
                    ? firstStepOut(drops, x -> (table.collateral[j] - share.collateral * x) - (table.debt[j] - share.debt * x),
                            x -> share.absolute, k -> markets[k].health(account).uncovered().signum() > 0)
                    : Crossing.NO_STEP;
        });
        List<List<Integer>> leaving = buckets(exit, steps);
        List<List<Integer>> leavingBadDebt = buckets(badExit, steps);
        BigInteger[][] liquidations = liquidationsByStep(steps, entry, exit, figures, markets, falls);

        TotalsBuilder cumulative = new TotalsBuilder(symbols.size());
        MovingDebt movingDebt = new MovingDebt(table, falls); // liquidatable, owing a falling asset: debt revalued each step
        BigInteger fixedDebt = BigInteger.ZERO;             // the others' debt (unchanged by the fall)
        BigInteger collateralOutside = BigInteger.ZERO;     // Σ collateral not in the falling assets
        BigInteger collateralFalling = BigInteger.ZERO;     // Σ collateral in them, at the snapshot's prices
        BigInteger badGap = BigInteger.ZERO;                // Σ (debt − collateral) of accounts in bad debt
        BigInteger badFallingGap = BigInteger.ZERO;         // Σ (falling debt − falling collateral) of those
        int badAccounts = 0;
        List<Integer> before = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            if (entry[j] == BEFORE_ANY_FALL) {
                before.add(j);
            }
            if (badEntry[j] == BEFORE_ANY_FALL) {
                badAccounts++;
                BigInteger[] in = table.valuesIn(j, falls);
                badGap = badGap.add(table.exposure[j].debtValue().subtract(table.exposure[j].collateralValue()));
                badFallingGap = badFallingGap.add(in[1].subtract(in[0]));
            }
        }

        List<CliffStep> out = new ArrayList<>(steps);
        for (int k = -1; k < steps; k++) {
            TotalsBuilder newly = new TotalsBuilder(symbols.size());
            for (int j : k < 0 ? before : entering.get(k)) {
                AccountFigures figure = k < 0 ? now[j] : figures[j];
                newly.addLiquidation(figure);
                newly.addUnits(table.exposure[j]);
                cumulative.addLiquidation(figure);
                cumulative.addUnits(table.exposure[j]);
                BigInteger[] in = table.valuesIn(j, falls);
                collateralOutside = collateralOutside.add(table.exposure[j].collateralValue().subtract(in[0]));
                collateralFalling = collateralFalling.add(in[0]);
                if (in[1].signum() > 0) {
                    movingDebt.add(j);
                } else {
                    fixedDebt = fixedDebt.add(table.exposure[j].debtValue());
                }
            }
            if (k < 0) {
                continue;
            }
            for (int j : leaving.get(k)) {
                cumulative.removeLiquidation(now[j]);
                cumulative.removeUnits(table.exposure[j]);
                BigInteger[] in = table.valuesIn(j, falls);
                collateralOutside = collateralOutside.subtract(table.exposure[j].collateralValue().subtract(in[0]));
                collateralFalling = collateralFalling.subtract(in[0]);
                movingDebt.remove(j); // it owes a falling asset, or the fall could not have healed it
            }
            for (int j : turningBad.get(k)) {
                badAccounts++;
                BigInteger[] in = table.valuesIn(j, falls);
                badGap = badGap.add(table.exposure[j].debtValue().subtract(table.exposure[j].collateralValue()));
                badFallingGap = badFallingGap.add(in[1].subtract(in[0]));
            }
            for (int j : leavingBadDebt.get(k)) {
                badAccounts--;
                BigInteger[] in = table.valuesIn(j, falls);
                badGap = badGap.subtract(table.exposure[j].debtValue().subtract(table.exposure[j].collateralValue()));
                badFallingGap = badFallingGap.subtract(in[1].subtract(in[0]));
            }
            long bps = dropsBps.get(k);
            BigInteger[] prices = stepPrices[k];
            TotalsBuilder atStep = cumulative.copy();
            atStep.debt.set(fixedDebt.add(movingDebt.total(prices)));
            atStep.collateral.set(collateralOutside.add(collateralFalling.multiply(BPS.subtract(BigInteger.valueOf(bps))).divide(BPS)));
            atStep.repayable.set(liquidations[k][0]);
            atStep.bonus.set(liquidations[k][1]);
            atStep.badDebtAccounts = badAccounts;
            atStep.badDebt.set(badGap.multiply(BPS).subtract(badFallingGap.multiply(BigInteger.valueOf(bps))).divide(BPS).max(BigInteger.ZERO));
            out.add(new CliffStep((int) bps, bps / 100.0, scenario.pricesBySymbol(table.snapshot, bps),
                    newly.build(table.snapshot.valuation(), symbols), atStep.build(table.snapshot.valuation(), symbols)));
        }
        List<CliffScenario.AccountEntry> accounts = new ArrayList<>();
        if (listAccounts) {
            for (int j = 0; j < n; j++) {
                if (entry[j] != Crossing.NO_STEP) {
                    accounts.add(new CliffScenario.AccountEntry(table.snapshot.account(table.account[j]),
                            entry[j] == BEFORE_ANY_FALL ? 0 : dropsBps.get(entry[j]), exit[j] == Crossing.NO_STEP ? 0 : dropsBps.get(exit[j])));
                }
            }
        }
        return new Result(new CliffScenario(scenario.name(), scenario.kind(), scenario.symbols(table.snapshot), out, accounts), crossings);
    }

    /**
     * Σ repayable debt and Σ bonus of the accounts liquidatable at each step, each account quoted by the protocol at that
     * step's prices: the quote moves with them (the collateral a repayment buys, the close factor once the health factor
     * passes a threshold such as Aave's 0.95, the cap of the account's collateral, which turns the quote into one that takes
     * it all). An account none of whose lines falls keeps the quote it had as it became liquidatable; an account at the step
     * that liquidates it has its quote from there already.
     */
    private BigInteger[][] liquidationsByStep(int steps, int[] entry, int[] exit, AccountFigures[] figures, ShockedMarket[] markets,
                                             boolean[] falls) {
        int n = table.size();
        boolean[] moves = new boolean[n];
        for (int j = 0; j < n; j++) {
            for (int l = table.lineStart[j]; l < table.lineStart[j + 1]; l++) {
                moves[j] |= falls[table.lineAsset[l]];
            }
        }
        // account by account, every step it is liquidatable at (its protocol state stays in the cache), into per-thread sums
        StepSums sums = IntStream.range(0, n).parallel().collect(() -> new StepSums(steps), (sum, j) -> {
            int from = entry[j] == BEFORE_ANY_FALL ? 0 : entry[j];
            int until = entry[j] == BEFORE_ANY_FALL && exit[j] != Crossing.NO_STEP ? exit[j] : steps;
            if (from < 0) {
                return;
            }
            for (int k = from; k < until; k++) {
                if (entry[j] == k || !moves[j]) {
                    AccountFigures figure = entry[j] == BEFORE_ANY_FALL ? now[j] : figures[j];
                    sum.add(k, figure.repayable(), figure.bonus());
                } else {
                    markets[k].addLargestLiquidation(table.account[j], sum.step(k));
                }
            }
        }, StepSums::merge);
        BigInteger[][] out = new BigInteger[steps][];
        for (int k = 0; k < steps; k++) {
            out[k] = new BigInteger[] {sums.total(k, 0), sums.total(k, 1)};
        }
        return out;
    }

    /** Two sums per step (repayable, bonus), one set per thread, merged at the end (integer sums: the order does not matter). */
    private static final class StepSums {
        private final StepSum[] steps;

        StepSums(int count) {
            steps = new StepSum[count];
            for (int k = 0; k < count; k++) {
                steps[k] = new StepSum();
            }
        }

        /** Step k's sums, which the protocol adds its figures to. */
        StepSum step(int k) {
            return steps[k];
        }

        void add(int step, BigInteger repayable, BigInteger bonus) {
            steps[step].add(repayable, bonus);
        }

        void merge(StepSums other) {
            for (int k = 0; k < steps.length; k++) {
                steps[k].repayable.add(other.steps[k].repayable);
                steps[k].bonus.add(other.steps[k].bonus);
            }
        }

        BigInteger total(int step, int which) {
            return (which == 0 ? steps[step].repayable : steps[step].bonus).value();
        }
    }

    /** One step's repayable debt and bonus: the protocol adds longs where its figures are (no object per account and step). */
    private static final class StepSum implements LiquidationSums {
        private final ExactSum repayable = new ExactSum();
        private final ExactSum bonus = new ExactSum();

        @Override
        public void add(long repaid, long bonus) {
            repayable.add(repaid);
            this.bonus.add(bonus);
        }

        @Override
        public void add(BigInteger repaid, BigInteger bonus) {
            repayable.add(repaid);
            this.bonus.add(bonus);
        }
    }

    /**
     * The first step at which a quantity that starts negative (liquidatable, in bad debt) and rises with the fall
     * is no longer negative: the linear {@code value} decides outside its rounding {@code band}, {@code exact} within it.
     */
    private static int firstStepOut(double[] drops, java.util.function.DoubleUnaryOperator value, java.util.function.DoubleUnaryOperator band,
                                    java.util.function.IntPredicate exact) {
        for (int k = 0; k < drops.length; k++) {
            double v = value.applyAsDouble(drops[k]);
            double b = band.applyAsDouble(drops[k]);
            if (v > b || (v >= -b && !exact.test(k))) {
                return k;
            }
        }
        return Crossing.NO_STEP;
    }

    private Share share(int j, boolean[] falls) {
        double weighted = 0;
        double debt = 0;
        double collateral = 0;
        for (int l = table.lineStart[j]; l < table.lineStart[j + 1]; l++) {
            if (falls[table.lineAsset[l]]) {
                weighted += table.lineWeighted[l];
                debt += table.lineDebt[l];
                collateral += table.lineCollateral[l];
            }
        }
        int lines = table.lineStart[j + 1] - table.lineStart[j];
        // how far the protocol's health factor may be from the linear one: it rounds the average threshold down (less than one
        // basis point of it: 1/threshold relative, taken 1.5 times), every line's value and the fallen price down (a few units)
        double threshold = table.collateral[j] > 0 ? Math.max(1, 10_000 * table.weighted[j] / table.collateral[j]) : 10_000;
        double relative = 1e-6 + 1.5 / threshold + 8.0 * (lines + 1) / Math.max(1, table.debt[j]);
        double absolute = 1e-6 * Math.max(table.collateral[j], table.debt[j]) + 8.0 * (lines + 1);
        return new Share(weighted, debt, collateral, relative, absolute);
    }

    /**
     * Whether a fall does not worsen a ratio top/bottom whose falling parts are {@code topShare}, {@code bottomShare}:
     * (top − t·x)/(bottom − b·x) does not fall when b·top ≥ t·bottom (with a margin for rounding); it stays put when
     * nothing in it falls (b = t = 0), which is not counted as improving.
     */
    private static boolean improves(double bottomShare, double topShare, double bottom, double top, double relative) {
        return bottomShare > 0 && bottomShare * top >= topShare * bottom * (1 - relative);
    }

    private static List<List<Integer>> buckets(int[] entry, int steps) {
        List<List<Integer>> buckets = new ArrayList<>(steps);
        for (int k = 0; k < steps; k++) {
            buckets.add(new ArrayList<>());
        }
        for (int j = 0; j < entry.length; j++) {
            if (entry[j] >= 0) {
                buckets.get(entry[j]).add(j);
            }
        }
        return buckets;
    }
}
