package dev.margincall.devnet;

import static dev.margincall.chain.abi.Abi.address;
import static dev.margincall.chain.abi.Abi.bool;
import static dev.margincall.chain.abi.Abi.int256;
import static dev.margincall.chain.abi.Abi.string;
import static dev.margincall.chain.abi.Abi.uint;
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
import org.web3j.crypto.Hash;

/**
 * Deploys the devnet on a fresh Anvil: one or more markets of the real Aave V3 ({@link AaveVersion}:
 * V3.0.2 from the {@code @aave/core-v3} Hardhat artifacts, or V3.6 compiled from {@code @aave-dao/aave-v3-origin}),
 * each with its own oracle on the same mock Chainlink feeds,
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

    private static final BigInteger BASE_CURRENCY_UNIT = BigInteger.TEN.pow(8);

    private final ChainTools tools;
    private final Transactor tx;
    private final DevChain chain;
    private final List<MarketSpec> specs;
    private final AaveRelease release;
    private final Map<String, Address> libraries = new HashMap<>();

    public DevnetDeployer(ChainTools tools, DevChain chain, MarketSpec spec) {
        this(tools, chain, List.of(spec));
    }

    /** Deploys {@code specs} on the {@linkplain AaveVersion#DEFAULT default} Aave version. */
    public DevnetDeployer(ChainTools tools, DevChain chain, List<MarketSpec> specs) {
        this(tools, chain, specs, AaveVersion.DEFAULT);
    }

    /**
     * Deploys {@code specs}, each a market of its own on Aave {@code version}; the first also defines
     * the tokens all of them list. The tokens, feeds, Uniswap pools and Multicall3 are the same for
     * every version. On 3.6 a reserve has no stable debt token ({@code stableDebtToken} is zero).
     */
    public DevnetDeployer(ChainTools tools, DevChain chain, List<MarketSpec> specs, AaveVersion version) {
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("a devnet needs at least one market");
        }
        this.tools = tools;
        this.chain = chain;
        this.tx = new Transactor(chain);
        this.specs = List.copyOf(specs);
        this.release = AaveRelease.of(version, tools);
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
            Address asset = deploy(reserve.symbol(), devnetMock("mocks/tokens/MintableERC20.sol", "MintableERC20"),
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
        log.info("devnet deployed: {} Aave {} market(s), first pool {} at block {}", markets.size(), release.version(), markets.get(0).aaveV3().pool(), chain.blockNumber());
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
        Address provider = deploy("PoolAddressesProvider", release.artifact(AaveRelease.Contract.POOL_ADDRESSES_PROVIDER),
                string(marketId), address(DEPLOYER));
        send("set ACL admin", provider, "setACLAdmin(address)", address(DEPLOYER));
        Address acl = deploy("ACLManager", release.artifact(AaveRelease.Contract.ACL_MANAGER), address(provider));
        send("set ACL manager", provider, "setACLManager(address)", address(acl));
        for (String role : List.of("addPoolAdmin(address)", "addAssetListingAdmin(address)", "addRiskAdmin(address)")) {
            send(role, acl, role, address(DEPLOYER));
        }

        Address poolImpl = deploy("Pool implementation", release.artifact(AaveRelease.Contract.POOL),
                release.poolArguments(this, provider).toArray(org.web3j.abi.datatypes.Type<?>[]::new));
        send("set pool implementation", provider, "setPoolImpl(address)", address(poolImpl));
        Address pool = Abi.decodeAddress(tx.call(provider, Abi.call("getPool()")));
        Address configuratorImpl = deploy("PoolConfigurator implementation", release.artifact(AaveRelease.Contract.POOL_CONFIGURATOR));
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
        Address oracle = deploy("AaveOracle", release.artifact(AaveRelease.Contract.ORACLE), address(provider),
                addressArray(assets), addressArray(listed.stream().map(Token::feed).toList()),
                address(Address.ZERO), address(Address.ZERO), uint(BASE_CURRENCY_UNIT));
        send("set price oracle", provider, "setPriceOracle(address)", address(oracle));
        Address dataProvider = deploy("AaveProtocolDataProvider", release.artifact(AaveRelease.Contract.DATA_PROVIDER), address(provider));
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
        return deploy(symbol + "/USD feed", devnetMock("mocks/oracle/CLAggregators/MockAggregator.sol", "MockAggregator"), int256(price));
    }

    private void initReserves(MarketSpec market, PoolContracts contracts, List<Address> assets) {
        // The first market keeps its token names ("aDevWETH"); another carries its title ("aDevPrimeWETH").
        String title = isFirst(market) ? "" : title(market);
        List<AaveRelease.Listing> listings = new ArrayList<>();
        for (int i = 0; i < assets.size(); i++) {
            ReserveSpec reserve = market.reserves().get(i);
            listings.add(new AaveRelease.Listing(reserve, assets.get(i), AaveRelease.TokenNames.of(title, reserve.symbol())));
        }
        release.initReserves(this, contracts.pool(), contracts.provider(), contracts.configurator(), listings, market.name());
    }

    private void configureReserves(MarketSpec spec, Address configurator, List<Address> assets) {
        release.addEModeCategory(this, configurator, spec.stableEMode());
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
                release.enterEModeCategory(this, configurator, reserve, assets.get(i));
            }
        }
        // Pool.initialize leaves the premium at 0; V3 launched with 9 bps (V3.0: all to the suppliers; V3.6: all to the treasury).
        send("flash-loan premium", configurator, release.flashLoanPremiumSetter(), new org.web3j.abi.datatypes.generated.Uint128(
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

    /** The devnet's tokens and price feeds: the mocks of {@code @aave/core-v3}, whatever the Aave version of the markets. */
    private ContractArtifact devnetMock(String sourceFile, String contract) {
        return ContractArtifact.fromFile(tools.npmFile(AaveRelease.V30.ARTIFACTS + "contracts/" + sourceFile + "/" + contract + ".json"));
    }

    Address deploy(String what, ContractArtifact artifact, org.web3j.abi.datatypes.Type<?>... constructorArgs) {
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
        Address deployed = deploy(ref.libraryName(), release.library(ref));
        libraries.put(key, deployed);
        return deployed;
    }

    void send(String what, Address to, String signature, org.web3j.abi.datatypes.Type<?>... args) {
        tx.send(what, DEPLOYER, to, Abi.call(signature, args));
    }

    private static DynamicArray<org.web3j.abi.datatypes.Address> addressArray(List<Address> addresses) {
        return new DynamicArray<>(org.web3j.abi.datatypes.Address.class, addresses.stream().map(Abi::address).toList());
    }
}
