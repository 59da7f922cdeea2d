package dev.margincall.protocol.aavev3;

import dev.margincall.chain.abi.Abi;
import dev.margincall.core.Address;
import java.math.BigInteger;

/** Calldata of the Aave V3 Pool calls a liquidator makes (signatures from IPool.sol of @aave/core-v3 1.19.3). */
public final class AaveV3Calls {

    private AaveV3Calls() {
    }

    /**
     * {@code Pool.liquidationCall}: the direct, wallet-funded liquidation. The caller must have approved
     * the Pool for {@code debtToCover} of the debt asset; Aave takes at most that, less when the close
     * factor or the user's collateral caps it.
     */
    public static String liquidationCall(Address collateralAsset, Address debtAsset, Address user, BigInteger debtToCover,
                                         boolean receiveAToken) {
        return Abi.call("liquidationCall(address,address,address,uint256,bool)", Abi.address(collateralAsset), Abi.address(debtAsset),
                Abi.address(user), Abi.uint(debtToCover), Abi.bool(receiveAToken));
    }

    /** {@code Pool.flashLoanSimple}: lends {@code amount} of {@code asset} to {@code receiver} for one call. */
    public static String flashLoanSimple(Address receiver, Address asset, BigInteger amount, String params, int referralCode) {
        return Abi.call("flashLoanSimple(address,address,uint256,bytes,uint16)", Abi.address(receiver), Abi.address(asset),
                Abi.uint(amount), Abi.bytes(params), Abi.uint16(referralCode));
    }

    /** {@code Pool.FLASHLOAN_PREMIUM_TOTAL()}: the flash-loan premium in basis points (returns a uint128). */
    public static String flashLoanPremiumTotal() {
        return Abi.call("FLASHLOAN_PREMIUM_TOTAL()");
    }
}
