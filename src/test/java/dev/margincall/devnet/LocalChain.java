package dev.margincall.devnet;

import dev.margincall.chain.web3j.Web3jDevChain;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A bare Anvil for one test class (no market deployed), started before the class's own
 * {@code @BeforeAll} and stopped after it, also when tests fail:
 * {@code @RegisterExtension static final LocalChain LOCAL = new LocalChain();}
 */
public final class LocalChain implements BeforeAllCallback, AfterAllCallback {

    private AnvilProcess anvil;
    private Web3jDevChain chain;

    @Override
    public void beforeAll(ExtensionContext context) {
        anvil = AnvilProcess.start(AnvilOptions.devnet());
        chain = new Web3jDevChain(anvil.rpcUrl());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        chain.close();
        anvil.close();
    }

    public AnvilProcess anvil() {
        return anvil;
    }

    public Web3jDevChain chain() {
        return chain;
    }
}
