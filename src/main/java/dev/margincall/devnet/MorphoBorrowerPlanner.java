package dev.margincall.devnet;

import dev.margincall.core.Address;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.web3j.crypto.Hash;

/**
 * Decides, from a seed and the market alone, who borrows what in one Morpho market: the same seed gives the same
 * addresses, amounts and health factors. Morpho lets a borrower go right up to the LLTV (there is no separate
 * borrowing LTV), so "near" means a health factor between 1.003 and 1.04: a 5 % crash or a month of interest
 * makes most of them liquidatable. Pure: no chain access.
 */
public final class MorphoBorrowerPlanner {

    private static final BigInteger WAD = BigInteger.TEN.pow(18);
    private static final BigInteger SCALE = MorphoOraclePrice.SCALE;
    private static final BigInteger TEN_THOUSAND = BigInteger.valueOf(10_000);

    private final MorphoSpec.Market market;
    private final int collateralDecimals;
    private final BigInteger collateralUsd;
    private final BigInteger oraclePrice;

    /**
     * @param collateralUsd the collateral's USD price (8 decimals), to size positions in dollars
     * @param oraclePrice   the market oracle's price at seeding (1e36-scaled, {@link MorphoOraclePrice})
     */
    public MorphoBorrowerPlanner(MorphoSpec.Market market, int collateralDecimals, BigInteger collateralUsd, BigInteger oraclePrice) {
        this.market = market;
        this.collateralDecimals = collateralDecimals;
        this.collateralUsd = collateralUsd;
        this.oraclePrice = oraclePrice;
    }

    /** keccak256("margin-call/morpho-borrower/" + market, seed, index), last 20 bytes. */
    public static Address borrowerAddress(String market, long seed, int index) {
        byte[] label = ("margin-call/morpho-borrower/" + market).getBytes(StandardCharsets.US_ASCII);
        ByteBuffer buffer = ByteBuffer.allocate(label.length + Long.BYTES + Integer.BYTES).put(label).putLong(seed).putInt(index);
        return Address.fromTail(Hash.sha3(buffer.array()));
    }

    public List<MorphoBorrower> plan(int count, long seed) {
        long streamSeed = seed ^ ByteBuffer.wrap(Hash.sha3(market.name().getBytes(StandardCharsets.US_ASCII))).getLong();
        SplittableRandom random = new SplittableRandom(streamSeed);
        List<MorphoBorrower> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(planOne(i, borrowerAddress(market.name(), seed, i), random));
        }
        return out;
    }

    private MorphoBorrower planOne(int index, Address address, SplittableRandom random) {
        int bandRoll = random.nextInt(100);
        RiskBand band = bandRoll < 40 ? RiskBand.NEAR : bandRoll < 75 ? RiskBand.MEDIUM : RiskBand.SAFE;
        // Collateral value: log-uniform between $1,000 and $250,000.
        long dollars = Math.round(1_000 * Math.pow(250, random.nextDouble()));
        BigInteger collateral = ReserveSpec.usd(dollars).multiply(BigInteger.TEN.pow(collateralDecimals)).divide(collateralUsd);
        double target = switch (band) {
            case NEAR -> 1.003 + 0.037 * random.nextDouble();
            case MEDIUM -> 1.1 + 0.4 * random.nextDouble();
            case SAFE -> 1.5 + 1.5 * random.nextDouble();
        };
        // Morpho._isHealthy: maxBorrow = collateral.mulDivDown(price, ORACLE_PRICE_SCALE).wMulDown(lltv).
        BigInteger maxBorrow = collateral.multiply(oraclePrice).divide(SCALE).multiply(market.lltv()).divide(WAD);
        BigInteger targetBps = BigInteger.valueOf((long) Math.ceil(target * 10_000));
        BigInteger borrow = maxBorrow.multiply(TEN_THOUSAND).divide(targetBps).max(BigInteger.ONE);
        BigInteger healthFactor = maxBorrow.multiply(WAD).divide(borrow);
        return new MorphoBorrower(market.name(), index, address, band, collateral, borrow, healthFactor);
    }
}
