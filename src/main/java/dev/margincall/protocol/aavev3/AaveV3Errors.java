package dev.margincall.protocol.aavev3;

import dev.margincall.chain.abi.ErrorCatalog;
import dev.margincall.chain.abi.RevertReason;
import java.util.Map;

/**
 * Names of Aave V3's revert reasons. Aave 3.0 reverts with {@code Error(string)} whose text is a number;
 * 3.4+ with custom errors ({@link #CUSTOM_ERRORS}). The table of numbers is {@code contracts/protocol/libraries/helpers/Errors.sol} of {@code @aave/core-v3@1.19.3}
 * (Aave V3.0.2), code for code ({@value #SOURCE}); 48 is unused there.
 */
public final class AaveV3Errors {

    static final String SOURCE = "@aave/core-v3@1.19.3 contracts/protocol/libraries/helpers/Errors.sol";

    /** Error code → constant name in Errors.sol. */
    public static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry("1", "CALLER_NOT_POOL_ADMIN"),
            Map.entry("2", "CALLER_NOT_EMERGENCY_ADMIN"),
            Map.entry("3", "CALLER_NOT_POOL_OR_EMERGENCY_ADMIN"),
            Map.entry("4", "CALLER_NOT_RISK_OR_POOL_ADMIN"),
            Map.entry("5", "CALLER_NOT_ASSET_LISTING_OR_POOL_ADMIN"),
            Map.entry("6", "CALLER_NOT_BRIDGE"),
            Map.entry("7", "ADDRESSES_PROVIDER_NOT_REGISTERED"),
            Map.entry("8", "INVALID_ADDRESSES_PROVIDER_ID"),
            Map.entry("9", "NOT_CONTRACT"),
            Map.entry("10", "CALLER_NOT_POOL_CONFIGURATOR"),
            Map.entry("11", "CALLER_NOT_ATOKEN"),
            Map.entry("12", "INVALID_ADDRESSES_PROVIDER"),
            Map.entry("13", "INVALID_FLASHLOAN_EXECUTOR_RETURN"),
            Map.entry("14", "RESERVE_ALREADY_ADDED"),
            Map.entry("15", "NO_MORE_RESERVES_ALLOWED"),
            Map.entry("16", "EMODE_CATEGORY_RESERVED"),
            Map.entry("17", "INVALID_EMODE_CATEGORY_ASSIGNMENT"),
            Map.entry("18", "RESERVE_LIQUIDITY_NOT_ZERO"),
            Map.entry("19", "FLASHLOAN_PREMIUM_INVALID"),
            Map.entry("20", "INVALID_RESERVE_PARAMS"),
            Map.entry("21", "INVALID_EMODE_CATEGORY_PARAMS"),
            Map.entry("22", "BRIDGE_PROTOCOL_FEE_INVALID"),
            Map.entry("23", "CALLER_MUST_BE_POOL"),
            Map.entry("24", "INVALID_MINT_AMOUNT"),
            Map.entry("25", "INVALID_BURN_AMOUNT"),
            Map.entry("26", "INVALID_AMOUNT"),
            Map.entry("27", "RESERVE_INACTIVE"),
            Map.entry("28", "RESERVE_FROZEN"),
            Map.entry("29", "RESERVE_PAUSED"),
            Map.entry("30", "BORROWING_NOT_ENABLED"),
            Map.entry("31", "STABLE_BORROWING_NOT_ENABLED"),
            Map.entry("32", "NOT_ENOUGH_AVAILABLE_USER_BALANCE"),
            Map.entry("33", "INVALID_INTEREST_RATE_MODE_SELECTED"),
            Map.entry("34", "COLLATERAL_BALANCE_IS_ZERO"),
            Map.entry("35", "HEALTH_FACTOR_LOWER_THAN_LIQUIDATION_THRESHOLD"),
            Map.entry("36", "COLLATERAL_CANNOT_COVER_NEW_BORROW"),
            Map.entry("37", "COLLATERAL_SAME_AS_BORROWING_CURRENCY"),
            Map.entry("38", "AMOUNT_BIGGER_THAN_MAX_LOAN_SIZE_STABLE"),
            Map.entry("39", "NO_DEBT_OF_SELECTED_TYPE"),
            Map.entry("40", "NO_EXPLICIT_AMOUNT_TO_REPAY_ON_BEHALF"),
            Map.entry("41", "NO_OUTSTANDING_STABLE_DEBT"),
            Map.entry("42", "NO_OUTSTANDING_VARIABLE_DEBT"),
            Map.entry("43", "UNDERLYING_BALANCE_ZERO"),
            Map.entry("44", "INTEREST_RATE_REBALANCE_CONDITIONS_NOT_MET"),
            Map.entry("45", "HEALTH_FACTOR_NOT_BELOW_THRESHOLD"),
            Map.entry("46", "COLLATERAL_CANNOT_BE_LIQUIDATED"),
            Map.entry("47", "SPECIFIED_CURRENCY_NOT_BORROWED_BY_USER"),
            Map.entry("49", "INCONSISTENT_FLASHLOAN_PARAMS"),
            Map.entry("50", "BORROW_CAP_EXCEEDED"),
            Map.entry("51", "SUPPLY_CAP_EXCEEDED"),
            Map.entry("52", "UNBACKED_MINT_CAP_EXCEEDED"),
            Map.entry("53", "DEBT_CEILING_EXCEEDED"),
            Map.entry("54", "UNDERLYING_CLAIMABLE_RIGHTS_NOT_ZERO"),
            Map.entry("55", "STABLE_DEBT_NOT_ZERO"),
            Map.entry("56", "VARIABLE_DEBT_SUPPLY_NOT_ZERO"),
            Map.entry("57", "LTV_VALIDATION_FAILED"),
            Map.entry("58", "INCONSISTENT_EMODE_CATEGORY"),
            Map.entry("59", "PRICE_ORACLE_SENTINEL_CHECK_FAILED"),
            Map.entry("60", "ASSET_NOT_BORROWABLE_IN_ISOLATION"),
            Map.entry("61", "RESERVE_ALREADY_INITIALIZED"),
            Map.entry("62", "USER_IN_ISOLATION_MODE_OR_LTV_ZERO"),
            Map.entry("63", "INVALID_LTV"),
            Map.entry("64", "INVALID_LIQ_THRESHOLD"),
            Map.entry("65", "INVALID_LIQ_BONUS"),
            Map.entry("66", "INVALID_DECIMALS"),
            Map.entry("67", "INVALID_RESERVE_FACTOR"),
            Map.entry("68", "INVALID_BORROW_CAP"),
            Map.entry("69", "INVALID_SUPPLY_CAP"),
            Map.entry("70", "INVALID_LIQUIDATION_PROTOCOL_FEE"),
            Map.entry("71", "INVALID_EMODE_CATEGORY"),
            Map.entry("72", "INVALID_UNBACKED_MINT_CAP"),
            Map.entry("73", "INVALID_DEBT_CEILING"),
            Map.entry("74", "INVALID_RESERVE_INDEX"),
            Map.entry("75", "ACL_ADMIN_CANNOT_BE_ZERO"),
            Map.entry("76", "INCONSISTENT_PARAMS_LENGTH"),
            Map.entry("77", "ZERO_ADDRESS_NOT_VALID"),
            Map.entry("78", "INVALID_EXPIRATION"),
            Map.entry("79", "INVALID_SIGNATURE"),
            Map.entry("80", "OPERATION_NOT_SUPPORTED"),
            Map.entry("81", "DEBT_CEILING_NOT_ZERO"),
            Map.entry("82", "ASSET_NOT_LISTED"),
            Map.entry("83", "INVALID_OPTIMAL_USAGE_RATIO"),
            Map.entry("84", "INVALID_OPTIMAL_STABLE_TO_TOTAL_DEBT_RATIO"),
            Map.entry("85", "UNDERLYING_CANNOT_BE_RESCUED"),
            Map.entry("86", "ADDRESSES_PROVIDER_ALREADY_ADDED"),
            Map.entry("87", "POOL_ADDRESSES_DO_NOT_MATCH"),
            Map.entry("88", "STABLE_BORROWING_ENABLED"),
            Map.entry("89", "SILOED_BORROWING_VIOLATION"),
            Map.entry("90", "RESERVE_DEBT_NOT_ZERO"),
            Map.entry("91", "FLASHLOAN_DISABLED"));

    static final String SOURCE_3_6 = "@aave-dao/aave-v3-origin@3.6.0 src/contracts/protocol/libraries/helpers/Errors.sol";

    /**
     * From 3.4 on, Aave reverts with custom errors: every declaration of Errors.sol of aave-v3-origin 3.6.0
     * ({@value #SOURCE_3_6}), in its order, e.g. {@code MustNotLeaveDust()} or {@code SelfLiquidation()}.
     */
    public static final ErrorCatalog CUSTOM_ERRORS = ErrorCatalog.customErrors(
            "CallerNotPoolAdmin()", "CallerNotPoolOrEmergencyAdmin()", "CallerNotRiskOrPoolAdmin()", "CallerNotAssetListingOrPoolAdmin()",
            "AddressesProviderNotRegistered()", "InvalidAddressesProviderId()", "NotContract()", "CallerNotPoolConfigurator()",
            "CallerNotAToken()", "InvalidAddressesProvider()", "InvalidFlashloanExecutorReturn()", "ReserveAlreadyAdded()",
            "NoMoreReservesAllowed()", "EModeCategoryReserved()", "ReserveLiquidityNotZero()", "FlashloanPremiumInvalid()",
            "InvalidReserveParams()", "InvalidEmodeCategoryParams()", "CallerMustBePool()", "InvalidMintAmount()", "InvalidBurnAmount()",
            "InvalidAmount()", "ReserveInactive()", "ReserveFrozen()", "ReservePaused()", "BorrowingNotEnabled()",
            "NotEnoughAvailableUserBalance()", "InvalidInterestRateModeSelected()", "HealthFactorLowerThanLiquidationThreshold()",
            "CollateralCannotCoverNewBorrow()", "NoDebtOfSelectedType()", "NoExplicitAmountToRepayOnBehalf()", "UnderlyingBalanceZero()",
            "HealthFactorNotBelowThreshold()", "CollateralCannotBeLiquidated()", "SpecifiedCurrencyNotBorrowedByUser()",
            "InconsistentFlashloanParams()", "BorrowCapExceeded()", "SupplyCapExceeded()", "DebtCeilingExceeded()",
            "UnderlyingClaimableRightsNotZero()", "VariableDebtSupplyNotZero()", "LtvValidationFailed()", "InconsistentEModeCategory()",
            "PriceOracleSentinelCheckFailed()", "AssetNotBorrowableInIsolation()", "ReserveAlreadyInitialized()",
            "UserInIsolationModeOrLtvZero()", "InvalidLtv()", "InvalidLiquidationThreshold()", "InvalidLiquidationBonus()",
            "InvalidDecimals()", "InvalidReserveFactor()", "InvalidBorrowCap()", "InvalidSupplyCap()", "InvalidLiquidationProtocolFee()",
            "InvalidDebtCeiling()", "InvalidReserveIndex()", "AclAdminCannotBeZero()", "InconsistentParamsLength()",
            "ZeroAddressNotValid()", "InvalidExpiration()", "InvalidSignature()", "OperationNotSupported()", "DebtCeilingNotZero()",
            "AssetNotListed()", "InvalidOptimalUsageRatio()", "UnderlyingCannotBeRescued()", "AddressesProviderAlreadyAdded()",
            "PoolAddressesDoNotMatch()", "SiloedBorrowingViolation()", "ReserveDebtNotZero()", "FlashloanDisabled()", "InvalidMaxRate()",
            "WithdrawToAToken()", "SupplyToAToken()", "Slope2MustBeGteSlope1()", "CallerNotRiskOrPoolOrEmergencyAdmin()",
            "LiquidationGraceSentinelCheckFailed()", "InvalidGracePeriod()", "InvalidFreezeState()", "InvalidLtvzeroState()",
            "NotBorrowableInEMode()", "CallerNotUmbrella()", "ReserveNotInDeficit()", "MustNotLeaveDust()", "UserCannotHaveDebt()",
            "SelfLiquidation()", "CallerNotPositionManager()", "InvalidCollateralInEmode(address reserve, uint256 categoryId)",
            "InvalidDebtInEmode(address reserve, uint256 categoryId)", "MustBeEmodeCollateral(address reserve, uint256 categoryId)");

    /** Aave's error codes (3.0), its custom errors (3.4+) and our {@link FlashLiquidator}'s: what a liquidation can revert with. */
    public static final ErrorCatalog CATALOG = ErrorCatalog.errorStrings(NAMES).with(CUSTOM_ERRORS).with(FlashLiquidator.ERRORS);

    private AaveV3Errors() {
    }

    /** A readable reason for revert data from the Pool or our liquidator, e.g. {@code HEALTH_FACTOR_NOT_BELOW_THRESHOLD (error "45")}. */
    public static String describe(String revertData) {
        return RevertReason.describe(revertData, CATALOG);
    }

    public static RevertReason.Decoded parse(String revertData) {
        return RevertReason.parse(revertData, CATALOG);
    }
}
