package dev.margincall.protocol.morphoblue.model;

import static dev.margincall.protocol.morphoblue.model.MathLib.mulDivDown;
import static dev.margincall.protocol.morphoblue.model.MathLib.mulDivUp;

import java.math.BigInteger;

/**
 * Shares ↔ assets, src/libraries/SharesMathLib.sol (1.0.0). Virtual shares (1e6) and a virtual asset (1) make
 * the rate defined on an empty market and keep share inflation attacks expensive; they are part of every
 * conversion, so the model must add them too.
 */
public final class SharesMathLib {

    /** SharesMathLib.sol:20. */
    public static final BigInteger VIRTUAL_SHARES = BigInteger.TEN.pow(6);
    /** SharesMathLib.sol:24. */
    public static final BigInteger VIRTUAL_ASSETS = BigInteger.ONE;

    private SharesMathLib() {
    }

    /** SharesMathLib.sol:27 {@code assets.mulDivDown(totalShares + VIRTUAL_SHARES, totalAssets + VIRTUAL_ASSETS)}. */
    public static BigInteger toSharesDown(BigInteger assets, BigInteger totalAssets, BigInteger totalShares) {
        return mulDivDown(assets, totalShares.add(VIRTUAL_SHARES), totalAssets.add(VIRTUAL_ASSETS));
    }

    /** SharesMathLib.sol:32 {@code shares.mulDivDown(totalAssets + VIRTUAL_ASSETS, totalShares + VIRTUAL_SHARES)}. */
    public static BigInteger toAssetsDown(BigInteger shares, BigInteger totalAssets, BigInteger totalShares) {
        return mulDivDown(shares, totalAssets.add(VIRTUAL_ASSETS), totalShares.add(VIRTUAL_SHARES));
    }

    /** SharesMathLib.sol:37 {@code assets.mulDivUp(totalShares + VIRTUAL_SHARES, totalAssets + VIRTUAL_ASSETS)}. */
    public static BigInteger toSharesUp(BigInteger assets, BigInteger totalAssets, BigInteger totalShares) {
        return mulDivUp(assets, totalShares.add(VIRTUAL_SHARES), totalAssets.add(VIRTUAL_ASSETS));
    }

    /** SharesMathLib.sol:42 {@code shares.mulDivUp(totalAssets + VIRTUAL_ASSETS, totalShares + VIRTUAL_SHARES)}. */
    public static BigInteger toAssetsUp(BigInteger shares, BigInteger totalAssets, BigInteger totalShares) {
        return mulDivUp(shares, totalAssets.add(VIRTUAL_ASSETS), totalShares.add(VIRTUAL_SHARES));
    }
}
