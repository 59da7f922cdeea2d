package dev.margincall.protocol.morphoblue.model;

import static dev.margincall.protocol.morphoblue.model.MathLib.WAD;
import static dev.margincall.protocol.morphoblue.model.MathLib.wDivDown;
import static dev.margincall.protocol.morphoblue.model.MathLib.wMulDown;

import java.math.BigInteger;

/**
 * The liquidation incentive factor of a market (src/Morpho.sol:366-369): {@code min(MAX_LIQUIDATION_INCENTIVE_FACTOR,
 * WAD.wDivDown(WAD - LIQUIDATION_CURSOR.wMulDown(WAD - lltv)))}; a liquidator seizes collateral worth the repaid
 * debt times this factor. 86 % LLTV: 1/(1 − 0.3·0.14) = 1.0438…; 94.5 %: 1.0167…; low LLTVs are capped at 1.15.
 */
public final class LiquidationIncentive {

    /** ConstantsLib.sol:14. */
    public static final BigInteger MAX_LIQUIDATION_INCENTIVE_FACTOR = new BigInteger("1150000000000000000");
    /** ConstantsLib.sol:11. */
    public static final BigInteger LIQUIDATION_CURSOR = new BigInteger("300000000000000000");

    private LiquidationIncentive() {
    }

    public static BigInteger factor(BigInteger lltv) {
        BigInteger uncapped = wDivDown(WAD, WAD.subtract(wMulDown(LIQUIDATION_CURSOR, WAD.subtract(lltv))));
        return uncapped.min(MAX_LIQUIDATION_INCENTIVE_FACTOR);
    }
}
