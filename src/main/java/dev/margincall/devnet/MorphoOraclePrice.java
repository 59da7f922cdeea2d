package dev.margincall.devnet;

import java.math.BigInteger;

/**
 * The devnet's Morpho oracle prices from its USD prices. Morpho's {@code IOracle.price()} is "the price of 1 asset
 * of collateral token quoted in 1 asset of loan token, scaled by 1e36", an asset being the token's smallest unit,
 * that is "36 + loan token decimals - collateral token decimals decimals of precision" (morpho-blue 1.0.0,
 * src/interfaces/IOracle.sol). For whole tokens worth {@code usdCollateral} and
 * {@code usdLoan}: {@code usdCollateral / usdLoan × 10^loanDecimals / 10^collateralDecimals × 1e36}; WETH at
 * $2,000 against USDC (18 and 6 decimals) is 2000 × 1e24 = 2e27. One division, rounded down.
 */
public final class MorphoOraclePrice {

    /** ORACLE_PRICE_SCALE of src/libraries/ConstantsLib.sol. */
    public static final BigInteger SCALE = BigInteger.TEN.pow(36);

    private MorphoOraclePrice() {
    }

    /** Both USD prices in the same unit (the devnet's: 8 decimals); decimals of the two tokens. */
    public static BigInteger fromUsd(BigInteger usdCollateral, int collateralDecimals, BigInteger usdLoan, int loanDecimals) {
        if (usdLoan.signum() <= 0 || usdCollateral.signum() < 0) {
            throw new IllegalArgumentException("USD prices must be positive: collateral " + usdCollateral + ", loan " + usdLoan);
        }
        return usdCollateral.multiply(SCALE).multiply(BigInteger.TEN.pow(loanDecimals))
                .divide(usdLoan.multiply(BigInteger.TEN.pow(collateralDecimals)));
    }
}
