package dev.margincall.devnet;

import static dev.margincall.chain.abi.Abi.address;
import static dev.margincall.chain.abi.Abi.string;
import static dev.margincall.chain.abi.Abi.uint;
import static dev.margincall.chain.abi.Abi.uint8;

import dev.margincall.chain.DevChain;
import dev.margincall.chain.abi.Abi;
import dev.margincall.core.Address;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys Morpho Blue beside the devnet's Aave market: the real Morpho contract (compiled by
 * contracts/build-morpho.js from {@code @morpho-org/morpho-blue@1.0.0}), its {@code IrmMock} (borrow rate =
 * utilization per year, so interest accrues visibly), one {@code OracleMock} per market at the devnet's prices,
 * the {@link MorphoSpec}'s LLTVs, fee recipient, fees and markets, the pegged tokens and a Uniswap V2 pair for
 * each market's two tokens where the Aave deployment has none. Deterministic like {@link DevnetDeployer}.
 */
public final class MorphoDeployer {

    private static final Logger log = LoggerFactory.getLogger(MorphoDeployer.class);

    /** Receives every market's fee as supply shares (an address no one has a key for). */
    public static final Address FEE_RECIPIENT = DevnetDeployer.derivedAddress("margin-call/devnet/morpho-fee-recipient");
    /** The classpath folder contracts/build-morpho.js writes to (under /contracts). */
    static final String ARTIFACTS = "morpho-blue/";

    private final ChainTools tools;
    private final DevChain chain;
    private final Transactor tx;
    private final MorphoSpec spec;
    private Address morpho;

    public MorphoDeployer(ChainTools tools, DevChain chain, MorphoSpec spec) {
        this.tools = tools;
        this.chain = chain;
        this.tx = new Transactor(chain);
        this.spec = spec;
    }

    /** Deploys Morpho on a chain where {@code aave} (its tokens, prices and Uniswap factory) is deployed. */
    public Deployment.MorphoBlue deploy(Deployment aave) {
        long started = System.nanoTime();
        long startBlock = chain.blockNumber() + 1;
        Address owner = DevnetDeployer.DEPLOYER;
        morpho = deploy("Morpho", ContractArtifact.fromClasspath(ARTIFACTS + "Morpho"), address(owner));
        Address irm = deploy("Morpho IrmMock", ContractArtifact.fromClasspath(ARTIFACTS + "IrmMock"));

        Map<String, Deployment.MorphoToken> tokens = new LinkedHashMap<>();
        Map<String, BigInteger> aaveUsd = new LinkedHashMap<>();
        for (Deployment.Reserve reserve : aave.reserves()) {
            tokens.put(reserve.symbol(), new Deployment.MorphoToken(reserve.symbol(), reserve.asset(), reserve.decimals()));
            aaveUsd.put(reserve.symbol(), reserve.price());
        }
        for (MorphoSpec.PeggedToken token : spec.pegged()) {
            Address asset = deploy(token.symbol(), ContractArtifact.fromFile(tools.npmFile(
                    AaveRelease.V30.ARTIFACTS + "contracts/mocks/tokens/MintableERC20.sol/MintableERC20.json")),
                    string(token.name()), string(token.symbol()), uint8(token.decimals()));
            tokens.put(token.symbol(), new Deployment.MorphoToken(token.symbol(), asset, token.decimals()));
        }
        Map<String, BigInteger> usd = spec.withPegged(aaveUsd);

        send("enable the IRM", morpho, "enableIrm(address)", address(irm));
        for (BigInteger lltv : spec.lltvs()) {
            send("enable LLTV " + lltv, morpho, "enableLltv(uint256)", uint(lltv));
        }
        send("set the fee recipient", morpho, "setFeeRecipient(address)", address(FEE_RECIPIENT));

        List<Deployment.MorphoMarket> markets = new ArrayList<>();
        for (MorphoSpec.Market market : spec.markets()) {
            Deployment.MorphoToken collateral = token(tokens, market.collateral(), market);
            Deployment.MorphoToken loan = token(tokens, market.loan(), market);
            Address oracle = deploy(market.name() + " OracleMock", ContractArtifact.fromClasspath(ARTIFACTS + "OracleMock"));
            send(market.name() + " oracle price", oracle, "setPrice(uint256)",
                    uint(MorphoOraclePrice.fromUsd(usd.get(collateral.symbol()), collateral.decimals(), usd.get(loan.symbol()), loan.decimals())));
            MorphoParams params = new MorphoParams(loan.asset(), collateral.asset(), oracle, irm, market.lltv());
            send("create Morpho market " + market.name(), morpho, "createMarket((address,address,address,address,uint256))", params.fields());
            if (market.fee().signum() != 0) {
                send(market.name() + " fee", morpho, "setFee((address,address,address,address,uint256),uint256)", params.with(uint(market.fee())));
            }
            Address pair = pair(aave.uniswapV2().factory(), collateral, loan, usd);
            markets.add(new Deployment.MorphoMarket(market.name(), params.id(), loan.symbol(), loan.asset(), collateral.symbol(),
                    collateral.asset(), oracle, irm, market.lltv(), market.fee(), pair));
        }
        log.info("Morpho Blue deployed at {}: {} markets, {} ms", morpho, markets.size(), (System.nanoTime() - started) / 1_000_000);
        return new Deployment.MorphoBlue(morpho, irm, owner, FEE_RECIPIENT, startBlock, List.copyOf(tokens.values()), markets);
    }

    private static Deployment.MorphoToken token(Map<String, Deployment.MorphoToken> tokens, String symbol, MorphoSpec.Market market) {
        Deployment.MorphoToken token = tokens.get(symbol);
        if (token == null) {
            throw new DevnetException("Morpho market " + market.name() + " trades " + symbol + ", which neither the Aave market nor the pegged tokens have");
        }
        return token;
    }

    /** The Uniswap V2 pair of two tokens: the Aave deployment's, or a new one as deep as those ($50M a side). */
    private Address pair(Address factory, Deployment.MorphoToken a, Deployment.MorphoToken b, Map<String, BigInteger> usd) {
        Address existing = Abi.decodeAddress(tx.call(factory, Abi.call("getPair(address,address)", address(a.asset()), address(b.asset()))));
        if (!existing.equals(Address.ZERO)) {
            return existing;
        }
        String name = a.symbol() + "/" + b.symbol();
        send("create pair " + name, factory, "createPair(address,address)", address(a.asset()), address(b.asset()));
        Address pair = Abi.decodeAddress(tx.call(factory, Abi.call("getPair(address,address)", address(a.asset()), address(b.asset()))));
        for (Deployment.MorphoToken side : List.of(a, b)) {
            BigInteger amount = DevnetDeployer.POOL_DEPTH_BASE.multiply(BigInteger.TEN.pow(side.decimals())).divide(usd.get(side.symbol()));
            send("fund pair " + name + " with " + side.symbol(), side.asset(), "mint(address,uint256)", address(pair), uint(amount));
        }
        send("mint liquidity of " + name, pair, "mint(address)", address(DevnetDeployer.LIQUIDITY_PROVIDER));
        return pair;
    }

    private Address deploy(String what, ContractArtifact artifact, org.web3j.abi.datatypes.Type<?>... constructorArgs) {
        return tx.deploy(what, DevnetDeployer.DEPLOYER, artifact.linkedBytecode(ref -> {
            throw new DevnetException(what + " links a library, which the Morpho build does not produce");
        }) + Abi.encodeArguments(constructorArgs));
    }

    /** Calls to Morpho get a fixed gas limit: see {@link Transactor#send(String, Address, Address, String, long)}. */
    private void send(String what, Address to, String signature, org.web3j.abi.datatypes.Type<?>... args) {
        if (to.equals(morpho)) {
            tx.send(what, DevnetDeployer.DEPLOYER, to, Abi.call(signature, args), 1_000_000);
        } else {
            tx.send(what, DevnetDeployer.DEPLOYER, to, Abi.call(signature, args));
        }
    }
}
