package dev.margincall.protocol.aavev3.model;

import dev.margincall.core.Address;
import java.math.BigInteger;

/**
 * An efficiency-mode category: its own LTV, threshold and bonus. On 3.0 its members are the reserves whose
 * configuration names the category, and it may have its own price source; from 3.2 on (aave-v3-origin
 * DataTypes.EModeCategory) its parameters apply only to the reserves in its collateral bitmap, those in its
 * LTV-zero bitmap count with LTV 0, and there is no price source ({@link Address#ZERO}).
 *
 * @param collateralBitmap reserve ids (bit i = reserve id i) whose collateral takes the category's parameters; null on 3.0
 * @param ltvZeroBitmap    reserve ids whose collateral has LTV 0 in this category; null on 3.0
 */
public record EModeCategory(int id, int ltv, int liquidationThreshold, int liquidationBonus, Address priceSource, String label,
                            BigInteger collateralBitmap, BigInteger ltvZeroBitmap) {

    /** A 3.0 category: membership by reserve configuration, optional price source. */
    public EModeCategory(int id, int ltv, int liquidationThreshold, int liquidationBonus, Address priceSource, String label) {
        this(id, ltv, liquidationThreshold, liquidationBonus, priceSource, label, null, null);
    }

    /** A 3.2+ category (bitmaps, no price source). */
    public static EModeCategory withBitmaps(int id, int ltv, int liquidationThreshold, int liquidationBonus, String label,
                                            BigInteger collateralBitmap, BigInteger ltvZeroBitmap) {
        return new EModeCategory(id, ltv, liquidationThreshold, liquidationBonus, Address.ZERO, label, collateralBitmap, ltvZeroBitmap);
    }

    public boolean hasBitmaps() {
        return collateralBitmap != null;
    }

    /**
     * Whether {@code reserve}'s collateral takes this category's threshold, LTV and bonus: on 3.6 its bit in the
     * collateral bitmap (GenericLogic.sol:126-133, LiquidationLogic.sol:224-237), on 3.0 the reserve's own category.
     */
    public boolean coversCollateral(Reserve reserve) {
        return hasBitmaps() ? collateralBitmap.testBit(reserve.id()) : reserve.configuration().eModeCategory() == id;
    }

    /** The LTV of {@code reserve}'s collateral for a member (ValidationLogic.getUserReserveLtv, ValidationLogic.sol:653-674). */
    public int ltvOf(Reserve reserve) {
        if (!coversCollateral(reserve)) {
            return reserve.configuration().ltv();
        }
        return hasBitmaps() && ltvZeroBitmap.testBit(reserve.id()) ? 0 : ltv;
    }
}
