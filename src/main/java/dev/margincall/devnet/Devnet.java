package dev.margincall.devnet;

import dev.margincall.chain.DevChain;
import dev.margincall.chain.web3j.Web3jDevChain;
import java.util.List;

/**
 * A running devnet: a local chain with the market deployed and borrowers seeded. Owns the chain
 * node: closing the devnet stops it.
 */
public final class Devnet implements AutoCloseable {

    private final ChainNode node;
    private final DevChain chain;
    private final ChainTools tools;
    private final Deployment deployment;
    private final List<SeededBorrower> borrowers;

    private Devnet(ChainNode node, DevChain chain, ChainTools tools, Deployment deployment, List<SeededBorrower> borrowers) {
        this.node = node;
        this.chain = chain;
        this.tools = tools;
        this.deployment = deployment;
        this.borrowers = borrowers;
    }

    /** Deploys the standard market on {@code node} and seeds {@code borrowerCount} borrowers from {@code seed}. */
    public static Devnet launch(ChainNode node, int borrowerCount, long seed) {
        ChainTools tools = ChainTools.locate();
        DevChain chain = new Web3jDevChain(node.rpcUrl());
        try {
            MarketSpec market = MarketSpec.standard();
            Deployment deployment = new DevnetDeployer(tools, chain, market).deploy(node.rpcUrl());
            List<SeededBorrower> borrowers = new BorrowerPlanner(market).plan(borrowerCount, seed);
            new BorrowerSeeder(chain, deployment).seed(borrowers);
            return new Devnet(node, chain, tools, deployment, borrowers);
        } catch (RuntimeException e) {
            chain.close();
            node.close();
            throw e;
        }
    }

    public ChainNode node() {
        return node;
    }

    public DevChain chain() {
        return chain;
    }

    public Deployment deployment() {
        return deployment;
    }

    public List<SeededBorrower> borrowers() {
        return borrowers;
    }

    public MarketMover market() {
        return new MarketMover(tools, chain, deployment);
    }

    @Override
    public void close() {
        chain.close();
        node.close();
    }
}
