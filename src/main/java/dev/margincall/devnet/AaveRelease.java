package dev.margincall.devnet;

import static dev.margincall.chain.abi.Abi.address;
import static dev.margincall.chain.abi.Abi.bool;
import static dev.margincall.chain.abi.Abi.string;
import static dev.margincall.chain.abi.Abi.uint;
import static dev.margincall.chain.abi.Abi.uint16;
import static dev.margincall.chain.abi.Abi.uint8;

import dev.margincall.chain.abi.Abi;
import dev.margincall.core.Address;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.DynamicStruct;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Uint32;

/**
 * What the devnet deploys differently for each {@link AaveVersion}: where a market's artifacts come
 * from and the few calls whose shape changed. {@link DevnetDeployer} does everything the versions
 * share (provider, ACL and roles, Pool and PoolConfigurator proxies, oracle, data provider, reserve
 * risk parameters, flash loans) and asks this for the rest.
 */
sealed interface AaveRelease permits AaveRelease.V30, AaveRelease.V36 {

    /** The market contracts the shared deployment path deploys by role. */
    enum Contract { POOL_ADDRESSES_PROVIDER, ACL_MANAGER, POOL, POOL_CONFIGURATOR, ORACLE, DATA_PROVIDER }

    static AaveRelease of(AaveVersion version, ChainTools tools) {
        return switch (version) {
            case V3_0 -> new V30(tools);
            case V3_6 -> new V36();
        };
    }

    AaveVersion version();

    ContractArtifact artifact(Contract contract);

    /** A logic library a Pool or PoolConfigurator artifact links. */
    ContractArtifact library(ContractArtifact.LibraryRef ref);

    /** Constructor arguments of the Pool implementation, deploying what they name first. */
    List<Type<?>> poolArguments(DevnetDeployer deployer, Address provider);

    /** Deploys the token implementations (and rate strategies) and lists {@code reserves} in one {@code initReserves}. */
    void initReserves(DevnetDeployer deployer, Address pool, Address provider, Address configurator, List<Listing> reserves, String marketName);

    /** Creates eMode category {@code eMode} (before the reserves are configured). */
    void addEModeCategory(DevnetDeployer deployer, Address configurator, MarketSpec.EModeSpec eMode);

    /** Puts one configured reserve in its eMode category: as the only category of the asset (3.0), or as collateral and borrowable (3.6). */
    void enterEModeCategory(DevnetDeployer deployer, Address configurator, ReserveSpec reserve, Address asset);

    /** The configurator's setter of the total flash-loan premium (bps). */
    String flashLoanPremiumSetter();

    /** A reserve to list, with the names of its tokens. */
    record Listing(ReserveSpec reserve, Address asset, TokenNames names) {
    }

    /** "Aave Devnet WETH", "aDevWETH" and so on; another market's carry its title. */
    record TokenNames(String aToken, String aTokenSymbol, String variableDebt, String variableDebtSymbol, String stableDebt,
                      String stableDebtSymbol) {

        static TokenNames of(String title, String symbol) {
            String spaced = title.isEmpty() ? "" : title + " ";
            return new TokenNames("Aave Devnet " + spaced + symbol, "aDev" + title + symbol,
                    "Aave Devnet " + spaced + "Variable Debt " + symbol, "variableDebtDev" + title + symbol,
                    "Aave Devnet " + spaced + "Stable Debt " + symbol, "stableDebtDev" + title + symbol);
        }
    }

    /** Aave V3.0.2 from the Hardhat artifacts of {@code @aave/core-v3}. */
    final class V30 implements AaveRelease {

        static final String ARTIFACTS = "@aave/core-v3/artifacts/";
        private static final BigInteger RAY_PER_BPS = BigInteger.TEN.pow(23);
        private static final String INIT_RESERVE_INPUT =
                "(address,address,address,uint8,address,address,address,address,string,string,string,string,string,string,bytes)";

        private final ChainTools tools;

        V30(ChainTools tools) {
            this.tools = tools;
        }

        @Override
        public AaveVersion version() {
            return AaveVersion.V3_0;
        }

        @Override
        public ContractArtifact artifact(Contract contract) {
            return switch (contract) {
                case POOL_ADDRESSES_PROVIDER -> artifact("protocol/configuration/PoolAddressesProvider.sol", "PoolAddressesProvider");
                case ACL_MANAGER -> artifact("protocol/configuration/ACLManager.sol", "ACLManager");
                case POOL -> artifact("protocol/pool/Pool.sol", "Pool");
                case POOL_CONFIGURATOR -> artifact("protocol/pool/PoolConfigurator.sol", "PoolConfigurator");
                case ORACLE -> artifact("misc/AaveOracle.sol", "AaveOracle");
                case DATA_PROVIDER -> artifact("misc/AaveProtocolDataProvider.sol", "AaveProtocolDataProvider");
            };
        }

        /** {@code contracts/<sourceFile>/<contract>.json} of the package. */
        ContractArtifact artifact(String sourceFile, String contract) {
            return ContractArtifact.fromFile(tools.npmFile(ARTIFACTS + "contracts/" + sourceFile + "/" + contract + ".json"));
        }

        @Override
        public ContractArtifact library(ContractArtifact.LibraryRef ref) {
            return ContractArtifact.fromFile(tools.npmFile(ARTIFACTS + ref.sourceName() + "/" + ref.libraryName() + ".json"));
        }

        @Override
        public List<Type<?>> poolArguments(DevnetDeployer deployer, Address provider) {
            return List.of(address(provider));
        }

        @Override
        public void initReserves(DevnetDeployer deployer, Address pool, Address provider, Address configurator, List<Listing> reserves,
                                 String marketName) {
            Address aTokenImpl = deployer.deploy("AToken implementation", artifact("protocol/tokenization/AToken.sol", "AToken"), address(pool));
            Address stableImpl = deployer.deploy("StableDebtToken implementation",
                    artifact("protocol/tokenization/StableDebtToken.sol", "StableDebtToken"), address(pool));
            Address variableImpl = deployer.deploy("VariableDebtToken implementation",
                    artifact("protocol/tokenization/VariableDebtToken.sol", "VariableDebtToken"), address(pool));
            List<DynamicStruct> inputs = new ArrayList<>();
            for (Listing listing : reserves) {
                ReserveSpec reserve = listing.reserve();
                ReserveSpec.InterestRates rates = reserve.rates();
                // One strategy per reserve; the stable-rate parameters are unused (stable borrowing stays off).
                Address strategy = deployer.deploy(reserve.symbol() + " rate strategy",
                        artifact("protocol/pool/DefaultReserveInterestRateStrategy.sol", "DefaultReserveInterestRateStrategy"),
                        address(provider), ray(rates.optimalUsageBps()), ray(rates.baseVariableBps()), ray(rates.variableSlope1Bps()),
                        ray(rates.variableSlope2Bps()), ray(0), ray(0), ray(200), ray(800), ray(2000));
                TokenNames names = listing.names();
                inputs.add(new DynamicStruct(address(aTokenImpl), address(stableImpl), address(variableImpl), uint8(reserve.decimals()),
                        address(strategy), address(listing.asset()), address(DevnetDeployer.TREASURY), address(Address.ZERO),
                        string(names.aToken()), string(names.aTokenSymbol()), string(names.variableDebt()), string(names.variableDebtSymbol()),
                        string(names.stableDebt()), string(names.stableDebtSymbol()), Abi.bytes("0x")));
            }
            deployer.send("initReserves of " + marketName, configurator, "initReserves(" + INIT_RESERVE_INPUT + "[])",
                    new DynamicArray<>(DynamicStruct.class, inputs));
        }

        @Override
        public void addEModeCategory(DevnetDeployer deployer, Address configurator, MarketSpec.EModeSpec eMode) {
            deployer.send("eMode category " + eMode.label(), configurator, "setEModeCategory(uint8,uint16,uint16,uint16,address,string)",
                    uint8(eMode.id()), uint16(eMode.ltvBps()), uint16(eMode.liquidationThresholdBps()), uint16(eMode.liquidationBonusBps()),
                    address(Address.ZERO), string(eMode.label()));
        }

        @Override
        public void enterEModeCategory(DevnetDeployer deployer, Address configurator, ReserveSpec reserve, Address asset) {
            deployer.send(reserve.symbol() + ": eMode", configurator, "setAssetEModeCategory(address,uint8)",
                    address(asset), uint8(reserve.eModeCategory()));
        }

        @Override
        public String flashLoanPremiumSetter() {
            return "updateFlashloanPremiumTotal(uint128)";
        }

        private static org.web3j.abi.datatypes.generated.Uint256 ray(int bps) {
            return uint(RAY_PER_BPS.multiply(BigInteger.valueOf(bps)));
        }
    }

    /**
     * Aave V3.6 from {@code @aave-dao/aave-v3-origin@3.6.0}, compiled by {@code contracts/build-aave36.js}
     * into the classpath under {@code /contracts/aave-v3.6/}: the {@code *Instance} contracts the
     * repository deploys, its logic libraries, oracle, data provider and rate strategy.
     */
    final class V36 implements AaveRelease {

        static final String CLASSPATH_DIR = "aave-v3.6/";
        private static final String INIT_RESERVE_INPUT = "(address,address,address,string,string,string,string,bytes,bytes)";

        @Override
        public AaveVersion version() {
            return AaveVersion.V3_6;
        }

        @Override
        public ContractArtifact artifact(Contract contract) {
            return artifact(switch (contract) {
                case POOL_ADDRESSES_PROVIDER -> "PoolAddressesProvider";
                case ACL_MANAGER -> "ACLManager";
                case POOL -> "PoolInstance";
                case POOL_CONFIGURATOR -> "PoolConfiguratorInstance";
                case ORACLE -> "AaveOracle";
                case DATA_PROVIDER -> "AaveProtocolDataProvider";
            });
        }

        static ContractArtifact artifact(String contract) {
            return ContractArtifact.fromClasspath(CLASSPATH_DIR + contract);
        }

        @Override
        public ContractArtifact library(ContractArtifact.LibraryRef ref) {
            return artifact(ref.libraryName());
        }

        /** Since 3.4 a Pool has one rate strategy for all its reserves, immutable, each reserve's curve stored in it. */
        @Override
        public List<Type<?>> poolArguments(DevnetDeployer deployer, Address provider) {
            Address strategy = deployer.deploy("DefaultReserveInterestRateStrategyV2", artifact("DefaultReserveInterestRateStrategyV2"),
                    address(provider));
            return List.of(address(provider), address(strategy));
        }

        @Override
        public void initReserves(DevnetDeployer deployer, Address pool, Address provider, Address configurator, List<Listing> reserves,
                                 String marketName) {
            // No incentives controller; the treasury is an immutable of the aToken implementation.
            Address aTokenImpl = deployer.deploy("ATokenInstance implementation", artifact("ATokenInstance"),
                    address(pool), address(Address.ZERO), address(DevnetDeployer.TREASURY));
            Address variableImpl = deployer.deploy("VariableDebtTokenInstance implementation", artifact("VariableDebtTokenInstance"),
                    address(pool), address(Address.ZERO));
            List<DynamicStruct> inputs = new ArrayList<>();
            for (Listing listing : reserves) {
                ReserveSpec.InterestRates rates = listing.reserve().rates();
                // IDefaultInterestRateStrategyV2.InterestRateData: (uint16 optimalUsageRatio, uint32 base, slope1, slope2), all bps.
                String rateData = Abi.encodeArguments(uint16(rates.optimalUsageBps()), new Uint32(rates.baseVariableBps()),
                        new Uint32(rates.variableSlope1Bps()), new Uint32(rates.variableSlope2Bps()));
                TokenNames names = listing.names();
                inputs.add(new DynamicStruct(address(aTokenImpl), address(variableImpl), address(listing.asset()),
                        string(names.aToken()), string(names.aTokenSymbol()), string(names.variableDebt()), string(names.variableDebtSymbol()),
                        Abi.bytes("0x"), Abi.bytes(rateData)));
            }
            deployer.send("initReserves of " + marketName, configurator, "initReserves(" + INIT_RESERVE_INPUT + "[])",
                    new DynamicArray<>(DynamicStruct.class, inputs));
        }

        @Override
        public void addEModeCategory(DevnetDeployer deployer, Address configurator, MarketSpec.EModeSpec eMode) {
            deployer.send("eMode category " + eMode.label(), configurator, "setEModeCategory(uint8,uint16,uint16,uint16,string)",
                    uint8(eMode.id()), uint16(eMode.ltvBps()), uint16(eMode.liquidationThresholdBps()), uint16(eMode.liquidationBonusBps()),
                    string(eMode.label()));
        }

        @Override
        public void enterEModeCategory(DevnetDeployer deployer, Address configurator, ReserveSpec reserve, Address asset) {
            String what = reserve.symbol() + ": eMode " + reserve.eModeCategory();
            deployer.send(what + " collateral", configurator, "setAssetCollateralInEMode(address,uint8,bool)",
                    address(asset), uint8(reserve.eModeCategory()), bool(true));
            deployer.send(what + " borrowable", configurator, "setAssetBorrowableInEMode(address,uint8,bool)",
                    address(asset), uint8(reserve.eModeCategory()), bool(true));
        }

        @Override
        public String flashLoanPremiumSetter() {
            return "updateFlashloanPremium(uint128)";
        }
    }
}
