package dev.margincall.devnet;

import static dev.margincall.chain.abi.Abi.address;
import static dev.margincall.chain.abi.Abi.bool;
import static dev.margincall.chain.abi.Abi.int256;
import static dev.margincall.chain.abi.Abi.string;
import static dev.margincall.chain.abi.Abi.uint;
import static dev.margincall.chain.abi.Abi.uint16;
import static dev.margincall.chain.abi.Abi.uint8;

import dev.margincall.chain.DevChain;
import dev.margincall.chain.abi.Abi;
import dev.margincall.chain.abi.Words;
import dev.margincall.core.Address;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.DynamicStruct;
import org.web3j.crypto.Hash;

/**
 * Deploys the devnet on a fresh Anvil: one or more markets of the real Aave V3.0.2 from the
 * {@code @aave/core-v3} Hardhat artifacts, each with its own oracle on the same mock Chainlink feeds,
 * the real Uniswap V2 factory and Router02 with deep pools at oracle prices, and Multicall3 at its
 * canonical address. The markets share the logic libraries (stateless, linked into each Pool), the
 * tokens, the feeds and the pools. Deterministic: the same specs on a fresh chain give the same addresses.
 */
public final class DevnetDeployer {

    private static final Logger log = LoggerFactory.getLogger(DevnetDeployer.class);

    /** Anvil's first dev account (unlocked): deployer, ACL admin, pool/risk/listing admin. */
    public static final Address DEPLOYER = Address.of("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");
    /** Where Multicall3 lives on every major chain; the devnet puts our implementation there. */
    public static final Address MULTICALL3 = Address.of("0xca11bde05977b3631167028862be2a173976ca11");
    public static final Address TREASURY = derivedAddress("margin-call/devnet/treasury");
    public static final Address LIQUIDITY_PROVIDER = derivedAddress("margin-call/devnet/liquidity-provider");
    /** Seconds between devnet blocks, so block timestamps (and interest) are the same on every run. */
    public static final long BLOCK_INTERVAL_SECONDS = 12;
    static final BigInteger POOL_DEPTH_BASE = ReserveSpec.usd(50_000_000);

    private static final String AAVE = "@aave/core-v3/artifacts/";
    private static final BigInteger RAY_PER_BPS = BigInteger.TEN.pow(23);
    private static final BigInteger BASE_CURRENCY_UNIT = BigInteger.TEN.pow(8);
    private static final String INIT_RESERVE_INPUT =
            "(address,address,address,uint8,address,address,address,address,string,string,string,string,string,string,bytes)";

    private final ChainTools tools;
    private final Transactor tx;
    private final DevChain chain;
    private final List<MarketSpec> specs;
    private final Map<String, Address> libraries = new HashMap<>();

    public DevnetDeployer(ChainTools tools, DevChain chain, MarketSpec spec) {
        this(tools, chain, List.of(spec));
    }

    /** Deploys {@code specs}, each a market of its own; the first also defines the tokens all of them list. */
    public DevnetDeployer(ChainTools tools, DevChain chain, List<MarketSpec> specs) {
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("a devnet needs at least one market");
        }
        this.tools = tools;
        this.chain = chain;
        this.tx = new Transactor(chain);
        this.specs = List.copyOf(specs);
    }

    /** An address no one has a key for, from a label: for devnet roles driven by impersonation. */
    public static Address derivedAddress(String label) {
        return Address.fromTail(Hash.sha3(label.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Deploys every market of the spec list, the first one first: its contracts, then the tokens and
     * feeds all markets share, Multicall3 and the Uniswap pools; the other markets come after all of
     * that, so the first market's addresses do not depend on how many markets there are.
     */
    public Deployment deploy(String rpcUrl) {
        chain.setBlockTimestampInterval(BLOCK_INTERVAL_SECONDS);
        chain.setAutoImpersonate(true);
        long startBlock = chain.blockNumber() + 1;

        MarketSpec first = specs.get(0);
        PoolContracts firstPool = deployPool(first);
        Map<String, Token> tokens = new LinkedHashMap<>();
        for (ReserveSpec reserve : first.reserves()) {
            Address asset = deploy(reserve.symbol(), aave("mocks/tokens/MintableERC20.sol", "MintableERC20"),
                    string(reserve.name()), string(reserve.symbol()), uint8(reserve.decimals()));
            tokens.put(reserve.symbol(), new Token(asset, deployPriceFeed(reserve.symbol(), reserve.priceBase())));
        }
        List<Deployment.AaveMarket> markets = new ArrayList<>();
        markets.add(completeMarket(first, firstPool, tokens));
        deployMulticall3();
        Deployment.UniswapV2 uniswap = deployUniswap(markets.get(0).reserves());

        for (MarketSpec spec : specs.subList(1, specs.size())) {
            long started = System.nanoTime();
            markets.add(completeMarket(spec, deployPool(spec), tokens));
            log.info("devnet market {} deployed in {} ms", spec.name(), (System.nanoTime() - started) / 1_000_000);
        }
        log.info("devnet deployed: {} market(s), first pool {} at block {}", markets.size(), markets.get(0).aaveV3().pool(), chain.blockNumber());
        return new Deployment(chain.chainId(), rpcUrl, startBlock, DEPLOYER, LIQUIDITY_PROVIDER, MULTICALL3,
                markets.get(0).aaveV3(), markets.get(0).reserves(), uniswap, markets);
    }

    /** The contracts of one market that exist before its reserves: provider, ACL with our roles, Pool and PoolConfigurator. */
    private record PoolContracts(Address provider, Address acl, Address pool, Address configurator) {
    }

    /** A token all markets share, and the feed every market's oracle starts on. */
    private record Token(Address asset, Address feed) {
    }

    private PoolContracts deployPool(MarketSpec market) {
        String marketId = "Margin Call Devnet" + (isFirst(market) ? "" : " " + title(market));
        Address provider = deploy("PoolAddressesProvider", aave("protocol/configuration/PoolAddressesProvider.sol", "PoolAddressesProvider"),
                string(marketId), address(DEPLOYER));
        send("set ACL admin", provider, "setACLAdmin(address)", address(DEPLOYER));
        Address acl = deploy("ACLManager", aave("protocol/configuration/ACLManager.sol", "ACLManager"), address(provider));
        send("set ACL manager", provider, "setACLManager(address)", address(acl));
        for (String role : List.of("addPoolAdmin(address)", "addAssetListingAdmin(address)", "addRiskAdmin(address)")) {
            send(role, acl, role, address(DEPLOYER));
        }

        Address poolImpl = deploy("Pool implementation", aave("protocol/pool/Pool.sol", "Pool"), address(provider));
        send("set pool implementation", provider, "setPoolImpl(address)", address(poolImpl));
        Address pool = Abi.decodeAddress(tx.call(provider, Abi.call("getPool()")));
        Address configuratorImpl = deploy("PoolConfigurator implementation", aave("protocol/pool/PoolConfigurator.sol", "PoolConfigurator"));
        send("set pool configurator implementation", provider, "setPoolConfiguratorImpl(address)", address(configuratorImpl));
        Address configurator = Abi.decodeAddress(tx.call(provider, Abi.call("getPoolConfigurator()")));
        return new PoolContracts(provider, acl, pool, configurator);
    }

    /** The market's oracle on the shared feeds, its data provider and its reserves, listed and configured. */
    private Deployment.AaveMarket completeMarket(MarketSpec market, PoolContracts contracts, Map<String, Token> tokens) {
        List<Token> listed = new ArrayList<>();
        for (ReserveSpec reserve : market.reserves()) {
            Token token = tokens.get(reserve.symbol());
            if (token == null) {
                throw new DevnetException("market " + market.name() + " lists " + reserve.symbol() + ", which the first market "
                        + specs.get(0).name() + " does not: the markets share the first market's tokens");
            }
            listed.add(token);
        }
        List<Address> assets = listed.stream().map(Token::asset).toList();
        Address provider = contracts.provider();
        Address oracle = deploy("AaveOracle", aave("misc/AaveOracle.sol", "AaveOracle"), address(provider),
                addressArray(assets), addressArray(listed.stream().map(Token::feed).toList()),
                address(Address.ZERO), address(Address.ZERO), uint(BASE_CURRENCY_UNIT));
        send("set price oracle", provider, "setPriceOracle(address)", address(oracle));
        Address dataProvider = deploy("AaveProtocolDataProvider", aave("misc/AaveProtocolDataProvider.sol", "AaveProtocolDataProvider"), address(provider));
        send("set data provider", provider, "setPoolDataProvider(address)", address(dataProvider));

        initReserves(market, contracts, assets);
        configureReserves(market, contracts.configurator(), assets);

        List<Deployment.Reserve> reserves = new ArrayList<>();
        for (int i = 0; i < assets.size(); i++) {
            ReserveSpec reserve = market.reserves().get(i);
            String addresses = tx.call(dataProvider, Abi.call("getReserveTokensAddresses(address)", address(assets.get(i))));
            reserves.add(new Deployment.Reserve(reserve.symbol(), assets.get(i), reserve.decimals(), reserve.priceBase(), listed.get(i).feed(),
                    Words.address(addresses, 0), Words.address(addresses, 1), Words.address(addresses, 2)));
        }
        Deployment.Aave aave = new Deployment.Aave(provider, contracts.pool(), contracts.configurator(), contracts.acl(), oracle, dataProvider, TREASURY);
        return new Deployment.AaveMarket(market.name(), aave, reserves);
    }

    Address deployPriceFeed(String symbol, BigInteger price) {
        return deploy(symbol + "/USD feed", aave("mocks/oracle/CLAggregators/MockAggregator.sol", "MockAggregator"), int256(price));
    }

    private void initReserves(MarketSpec market, PoolContracts contracts, List<Address> assets) {
        Address pool = contracts.pool();
        Address aTokenImpl = deploy("AToken implementation", aave("protocol/tokenization/AToken.sol", "AToken"), address(pool));
        Address stableImpl = deploy("StableDebtToken implementation", aave("protocol/tokenization/StableDebtToken.sol", "StableDebtToken"), address(pool));
        Address variableImpl = deploy("VariableDebtToken implementation", aave("protocol/tokenization/VariableDebtToken.sol", "VariableDebtToken"), address(pool));
        // The first market keeps its token names ("aDevWETH"); another carries its title ("aDevPrimeWETH").
        String title = isFirst(market) ? "" : title(market);
        String spaced = title.isEmpty() ? "" : title + " ";
        List<DynamicStruct> inputs = new ArrayList<>();
        for (int i = 0; i < assets.size(); i++) {
            ReserveSpec reserve = market.reserves().get(i);
            ReserveSpec.InterestRates rates = reserve.rates();
            Address strategy = deploy(reserve.symbol() + " rate strategy",
                    aave("protocol/pool/DefaultReserveInterestRateStrategy.sol", "DefaultReserveInterestRateStrategy"),
                    address(contracts.provider()), ray(rates.optimalUsageBps()), ray(rates.baseVariableBps()), ray(rates.variableSlope1Bps()),
                    ray(rates.variableSlope2Bps()), ray(0), ray(0), ray(200), ray(800), ray(2000));
            String symbol = reserve.symbol();
            inputs.add(new DynamicStruct(address(aTokenImpl), address(stableImpl), address(variableImpl), uint8(reserve.decimals()),
                    address(strategy), address(assets.get(i)), address(TREASURY), address(Address.ZERO),
                    string("Aave Devnet " + spaced + symbol), string("aDev" + title + symbol),
                    string("Aave Devnet " + spaced + "Variable Debt " + symbol), string("variableDebtDev" + title + symbol),
                    string("Aave Devnet " + spaced + "Stable Debt " + symbol), string("stableDebtDev" + title + symbol), Abi.bytes("0x")));
        }
        tx.send("initReserves of " + market.name(), DEPLOYER, contracts.configurator(),
                Abi.call("initReserves(" + INIT_RESERVE_INPUT + "[])", new DynamicArray<>(DynamicStruct.class, inputs)));
    }

    private void configureReserves(MarketSpec spec, Address configurator, List<Address> assets) {
        MarketSpec.EModeSpec eMode = spec.stableEMode();
        send("eMode category " + eMode.label(), configurator, "setEModeCategory(uint8,uint16,uint16,uint16,address,string)",
                uint8(eMode.id()), uint16(eMode.ltvBps()), uint16(eMode.liquidationThresholdBps()), uint16(eMode.liquidationBonusBps()),
                address(Address.ZERO), string(eMode.label()));
        for (int i = 0; i < assets.size(); i++) {
            ReserveSpec reserve = spec.reserves().get(i);
            var asset = address(assets.get(i));
            String what = reserve.symbol() + ": ";
            send(what + "collateral", configurator, "configureReserveAsCollateral(address,uint256,uint256,uint256)",
                    asset, uint(reserve.ltvBps()), uint(reserve.liquidationThresholdBps()), uint(reserve.liquidationBonusBps()));
            send(what + "borrowing", configurator, "setReserveBorrowing(address,bool)", asset, bool(true));
            send(what + "reserve factor", configurator, "setReserveFactor(address,uint256)", asset, uint(reserve.reserveFactorBps()));
            send(what + "liquidation protocol fee", configurator, "setLiquidationProtocolFee(address,uint256)",
                    asset, uint(reserve.liquidationProtocolFeeBps()));
            send(what + "flash loans", configurator, "setReserveFlashLoaning(address,bool)", asset, bool(true));
            if (reserve.eModeCategory() != 0) {
                send(what + "eMode", configurator, "setAssetEModeCategory(address,uint8)", asset, uint8(reserve.eModeCategory()));
            }
        }
        // Pool.initialize leaves the premium at 0; V3 launched with 9 bps, all to the suppliers.
        send("flash-loan premium", configurator, "updateFlashloanPremiumTotal(uint128)", new org.web3j.abi.datatypes.generated.Uint128(
                BigInteger.valueOf(spec.flashLoanPremiumBps())));
    }

    private void deployMulticall3() {
        ContractArtifact multicall = ContractArtifact.fromClasspath("Multicall3");
        chain.setCode(MULTICALL3, multicall.deployedBytecode());
    }

    private Deployment.UniswapV2 deployUniswap(List<Deployment.Reserve> reserves) {
        Address factory = deploy("UniswapV2Factory", ContractArtifact.fromFile(tools.npmFile("@uniswap/v2-core/build/UniswapV2Factory.json")),
                address(DEPLOYER));
        Address weth = reserves.stream().filter(r -> r.symbol().equals("WETH")).findFirst().orElse(reserves.get(0)).asset();
        Address router = deploy("UniswapV2Router02", ContractArtifact.fromFile(tools.npmFile("@uniswap/v2-periphery/build/UniswapV2Router02.json")),
                address(factory), address(weth));
        Map<String, Address> pairs = new LinkedHashMap<>();
        for (int i = 0; i < reserves.size(); i++) {
            for (int j = i + 1; j < reserves.size(); j++) {
                Deployment.Reserve a = reserves.get(i);
                Deployment.Reserve b = reserves.get(j);
                String name = a.symbol() + "/" + b.symbol();
                send("create pair " + name, factory, "createPair(address,address)", address(a.asset()), address(b.asset()));
                Address pair = Abi.decodeAddress(tx.call(factory, Abi.call("getPair(address,address)", address(a.asset()), address(b.asset()))));
                for (Deployment.Reserve side : List.of(a, b)) {
                    BigInteger amount = POOL_DEPTH_BASE.multiply(BigInteger.TEN.pow(side.decimals())).divide(side.price());
                    send("fund pair " + name + " with " + side.symbol(), side.asset(), "mint(address,uint256)", address(pair), uint(amount));
                }
                send("mint liquidity of " + name, pair, "mint(address)", address(LIQUIDITY_PROVIDER));
                pairs.put(name, pair);
            }
        }
        return new Deployment.UniswapV2(factory, router, pairs);
    }

    // --- helpers ----------------------------------------------------------------------------------

    private boolean isFirst(MarketSpec market) {
        return market.equals(specs.get(0));
    }

    /** "prime" → "Prime", for contract and token names. */
    private static String title(MarketSpec market) {
        return Character.toUpperCase(market.name().charAt(0)) + market.name().substring(1);
    }

    private ContractArtifact aave(String sourceFile, String contract) {
        return ContractArtifact.fromFile(tools.npmFile(AAVE + "contracts/" + sourceFile + "/" + contract + ".json"));
    }

    private Address deploy(String what, ContractArtifact artifact, org.web3j.abi.datatypes.Type<?>... constructorArgs) {
        String code = artifact.linkedBytecode(this::library) + Abi.encodeArguments(constructorArgs);
        return tx.deploy(what, DEPLOYER, code);
    }

    /** Deploys a linked library once (and, first, the libraries it links itself). */
    private Address library(ContractArtifact.LibraryRef ref) {
        String key = ref.sourceName() + ":" + ref.libraryName();
        Address known = libraries.get(key);
        if (known != null) {
            return known;
        }
        ContractArtifact artifact = ContractArtifact.fromFile(tools.npmFile(AAVE + ref.sourceName() + "/" + ref.libraryName() + ".json"));
        Address deployed = deploy(ref.libraryName(), artifact);
        libraries.put(key, deployed);
        return deployed;
    }

    private void send(String what, Address to, String signature, org.web3j.abi.datatypes.Type<?>... args) {
        tx.send(what, DEPLOYER, to, Abi.call(signature, args));
    }

    private static DynamicArray<org.web3j.abi.datatypes.Address> addressArray(List<Address> addresses) {
        return new DynamicArray<>(org.web3j.abi.datatypes.Address.class, addresses.stream().map(Abi::address).toList());
    }

    private static org.web3j.abi.datatypes.generated.Uint256 ray(int bps) {
        return uint(RAY_PER_BPS.multiply(BigInteger.valueOf(bps)));
    }
}
