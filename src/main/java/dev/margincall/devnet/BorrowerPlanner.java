package dev.margincall.devnet;

import dev.margincall.core.Address;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.web3j.crypto.Hash;

/**
 * Decides, from a seed alone, who borrows what in one market: the same seed always gives the same
 * addresses, amounts and health factors. Every market has borrowers of its own: their addresses and
 * random stream come from the market's name as well as the seed (the first market, "core", keeps the
 * ones it had before the devnet had several markets). Pure: no chain access.
 */
public final class BorrowerPlanner {

    private static final BigInteger WAD = BigInteger.TEN.pow(18);
    private static final BigInteger BPS = BigInteger.valueOf(10_000);
    /** Above the LT/LTV floor by at least this much, so rounding never makes a seeded borrow fail. */
    private static final double FLOOR_MARGIN = 1.002;

    private static final String CORE_LABEL = "margin-call/borrower";

    private final MarketSpec market;
    /** The shapes this market's reserves allow; all of them in core, so its plans stay what they were. */
    private final List<BorrowerProfile> profiles;

    public BorrowerPlanner(MarketSpec market) {
        this.market = market;
        this.profiles = Arrays.stream(BorrowerProfile.values()).filter(p -> p.fits(market.reserves().size())).toList();
    }

    /** A core borrower's address: keccak256("margin-call/borrower", seed, index), last 20 bytes. */
    public static Address borrowerAddress(long seed, int index) {
        return borrowerAddress(CORE_LABEL, seed, index);
    }

    private static Address borrowerAddress(String label, long seed, int index) {
        byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer buffer = ByteBuffer.allocate(bytes.length + Long.BYTES + Integer.BYTES).put(bytes).putLong(seed).putInt(index);
        return Address.fromTail(Hash.sha3(buffer.array()));
    }

    public List<SeededBorrower> plan(int count, long seed) {
        String label = market.name().equals(MarketSpec.CORE) ? CORE_LABEL : CORE_LABEL + "/" + market.name();
        // Another market draws from another stream, so its borrowers are not core's shapes in other tokens.
        long streamSeed = label.equals(CORE_LABEL) ? seed : seed ^ ByteBuffer.wrap(Hash.sha3(label.getBytes(StandardCharsets.US_ASCII))).getLong();
        SplittableRandom random = new SplittableRandom(streamSeed);
        List<SeededBorrower> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(planOne(i, borrowerAddress(label, seed, i), random));
        }
        return out;
    }

    private SeededBorrower planOne(int index, Address address, SplittableRandom random) {
        BorrowerProfile profile = profiles.get(random.nextInt(profiles.size()));
        int bandRoll = random.nextInt(100);
        RiskBand band = bandRoll < 40 ? RiskBand.NEAR : bandRoll < 75 ? RiskBand.MEDIUM : RiskBand.SAFE;

        List<ReserveSpec> shuffled = shuffled(market.reserves(), random);
        List<ReserveSpec> collateral;
        List<ReserveSpec> debt;
        int eMode = 0;
        switch (profile) {
            case SINGLE_COLLATERAL_SINGLE_DEBT -> { collateral = shuffled.subList(0, 1); debt = shuffled.subList(1, 2); }
            case MULTI_COLLATERAL -> {
                int n = Math.min(2 + random.nextInt(2), shuffled.size() - 1);
                collateral = shuffled.subList(0, n);
                debt = shuffled.subList(n, n + 1);
            }
            case MULTI_DEBT -> { collateral = shuffled.subList(0, 1); debt = shuffled.subList(1, 3); }
            case MULTI_COLLATERAL_MULTI_DEBT -> { collateral = shuffled.subList(0, 2); debt = shuffled.subList(2, 4); }
            case STABLE_EMODE -> {
                MarketSpec.EModeSpec category = market.stableEMode();
                List<ReserveSpec> stables = shuffled.stream().filter(r -> r.eModeCategory() == category.id()).toList();
                collateral = stables.subList(0, 1);
                debt = stables.subList(1, 2);
                eMode = category.id();
                // Every other one also supplies an asset outside the category (its own threshold applies, on 3.6 it is
                // outside the category's collateral bitmap). Chosen without a random draw, so other borrowers stay as they were.
                List<ReserveSpec> outside = shuffled.stream().filter(r -> r.eModeCategory() != category.id()).toList();
                if (index % 2 == 1 && !outside.isEmpty()) {
                    collateral = List.of(stables.get(0), outside.get(0));
                }
            }
            default -> throw new IllegalStateException(profile.toString());
        }

        // Collateral value: log-uniform between $1,000 and $250,000 per asset.
        List<Holding> collateralHoldings = new ArrayList<>();
        BigInteger collateralBase = BigInteger.ZERO;
        BigInteger weightedThreshold = BigInteger.ZERO; // Σ value × LT
        BigInteger weightedLtv = BigInteger.ZERO;       // Σ value × LTV
        long firstDollars = 0;
        for (ReserveSpec reserve : collateral) {
            boolean outsideEMode = eMode != 0 && reserve.eModeCategory() != eMode;
            long dollars = outsideEMode ? Math.max(1_000, firstDollars / 2) : Math.round(1_000 * Math.pow(250, random.nextDouble()));
            firstDollars = firstDollars == 0 ? dollars : firstDollars;
            BigInteger amount = ReserveSpec.usd(dollars).multiply(reserve.unit()).divide(reserve.priceBase());
            BigInteger value = reserve.priceBase().multiply(amount).divide(reserve.unit());
            collateralHoldings.add(new Holding(reserve.symbol(), amount));
            collateralBase = collateralBase.add(value);
            weightedThreshold = weightedThreshold.add(value.multiply(BigInteger.valueOf(threshold(reserve, eMode))));
            weightedLtv = weightedLtv.add(value.multiply(BigInteger.valueOf(ltv(reserve, eMode))));
        }

        double floor = weightedThreshold.doubleValue() / weightedLtv.doubleValue() * FLOOR_MARGIN;
        double target = switch (band) {
            case NEAR -> floor * (1 + 0.04 * random.nextDouble());
            case MEDIUM -> Math.max(floor * 1.05, 1.15 + 0.35 * random.nextDouble());
            case SAFE -> 1.5 + 1.5 * random.nextDouble();
        };
        BigInteger targetBps = BigInteger.valueOf((long) Math.ceil(Math.max(target, floor) * 10_000));
        BigInteger debtBase = weightedThreshold.divide(targetBps);

        int[] weights = new int[debt.size()];
        int weightSum = 0;
        for (int k = 0; k < weights.length; k++) {
            weights[k] = 1 + random.nextInt(9);
            weightSum += weights[k];
        }
        List<Holding> debtHoldings = new ArrayList<>();
        BigInteger debtValue = BigInteger.ZERO;
        for (int k = 0; k < debt.size(); k++) {
            ReserveSpec reserve = debt.get(k);
            BigInteger share = debtBase.multiply(BigInteger.valueOf(weights[k])).divide(BigInteger.valueOf(weightSum));
            BigInteger amount = share.multiply(reserve.unit()).divide(reserve.priceBase()).max(BigInteger.ONE);
            debtHoldings.add(new Holding(reserve.symbol(), amount));
            debtValue = debtValue.add(reserve.priceBase().multiply(amount).divide(reserve.unit()));
        }
        BigInteger healthFactor = healthFactor(collateralBase, weightedThreshold, debtValue);
        return new SeededBorrower(index, address, profile, band, eMode, List.copyOf(collateralHoldings), List.copyOf(debtHoldings),
                collateralBase, debtValue, healthFactor);
    }

    /**
     * Aave V3.0.2 GenericLogic: average threshold = Σ(value × LT) / Σ value (integer division), then
     * HF = (collateral.percentMul(avgLT)).wadDiv(debt), both rounding half up.
     */
    static BigInteger healthFactor(BigInteger collateralBase, BigInteger weightedThreshold, BigInteger debtBase) {
        if (debtBase.signum() == 0) {
            return BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);
        }
        BigInteger averageThreshold = collateralBase.signum() == 0 ? BigInteger.ZERO : weightedThreshold.divide(collateralBase);
        BigInteger adjusted = collateralBase.multiply(averageThreshold).add(BPS.shiftRight(1)).divide(BPS);
        return adjusted.multiply(WAD).add(debtBase.shiftRight(1)).divide(debtBase);
    }

    private int threshold(ReserveSpec reserve, int eMode) {
        return eMode != 0 && reserve.eModeCategory() == eMode ? market.stableEMode().liquidationThresholdBps() : reserve.liquidationThresholdBps();
    }

    private int ltv(ReserveSpec reserve, int eMode) {
        return eMode != 0 && reserve.eModeCategory() == eMode ? market.stableEMode().ltvBps() : reserve.ltvBps();
    }

    private static <T> List<T> shuffled(List<T> items, SplittableRandom random) {
        List<T> copy = new ArrayList<>(items);
        for (int i = copy.size() - 1; i > 0; i--) {
            java.util.Collections.swap(copy, i, random.nextInt(i + 1));
        }
        return copy;
    }
}
