// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

// Minimal interfaces, written from the signatures in @aave/core-v3 1.19.3 (interfaces/IPool.sol,
// interfaces/IPoolAddressesProvider.sol, flashloan/interfaces/IFlashLoanSimpleReceiver.sol) and
// @uniswap/v2-periphery (interfaces/IUniswapV2Router02.sol). Only what this contract calls.

interface IPoolAddressesProvider {
    function getPool() external view returns (address);
}

interface IPool {
    function flashLoanSimple(address receiverAddress, address asset, uint256 amount, bytes calldata params, uint16 referralCode) external;

    function flashLoan(
        address receiverAddress,
        address[] calldata assets,
        uint256[] calldata amounts,
        uint256[] calldata interestRateModes,
        address onBehalfOf,
        bytes calldata params,
        uint16 referralCode
    ) external;

    function liquidationCall(address collateralAsset, address debtAsset, address user, uint256 debtToCover, bool receiveAToken) external;
}

interface IERC20 {
    function balanceOf(address account) external view returns (uint256);

    function allowance(address owner, address spender) external view returns (uint256);
}

interface IUniswapV2Router02 {
    function swapExactTokensForTokens(uint256 amountIn, uint256 amountOutMin, address[] calldata path, address to, uint256 deadline)
        external
        returns (uint256[] memory amounts);
}

/// @title FlashLiquidator
/// @notice Liquidates an Aave V3 position without capital: flash-borrows the debt asset from the same
///         Pool, repays the debt, sells the seized collateral on Uniswap V2, repays the loan plus
///         premium and sends the profit to the owner, all in one transaction that reverts unless the
///         profit reaches the owner's minimum. The contract holds nothing between transactions.
contract FlashLiquidator {
    /// @notice The keeper EOA: the only account that may start a liquidation or move funds out.
    address public immutable owner;
    /// @notice The Aave V3 Pool (a proxy: its address is fixed for the life of its PoolAddressesProvider,
    ///         upgrades change the implementation behind it), resolved once to save a call per liquidation.
    address public immutable pool;
    /// @notice The Uniswap V2 Router02 the seized collateral is sold on.
    address public immutable router;

    event Liquidated(
        address indexed user,
        address indexed collateralAsset,
        address indexed debtAsset,
        uint256 debtCovered,
        uint256 collateralSeized,
        uint256 profit
    );

    /// @dev What liquidate() passes through the flash loan to executeOperation.
    struct Order {
        address collateralAsset;
        address user;
        uint256 minAmountOut;
        uint256 minProfit;
        address[] swapPath;
    }

    error NotOwner();
    error NotPool();
    error BadInitiator();
    error BadSwapPath();
    /// @dev The unused loan plus the swap proceeds fall short of the loan plus premium (what the contract
    ///      held before is never spent on it).
    error RepaymentShortfall(uint256 available, uint256 owed);
    error InsufficientProfit(uint256 profit, uint256 minProfit);
    error TokenCallFailed(address token);
    error EthTransferFailed();
    error NotSelf();
    error BadBatch();
    /// @dev A batch item's liquidation yielded less collateral than planned (the position changed): the item is skipped.
    error CollateralShortfall(uint256 seized, uint256 minCollateral);

    // ---- batches ------------------------------------------------------------------------------------------------
    // Many liquidations in one transaction: one flash loan of every debt asset the batch repays (or the owner's own
    // tokens), each item liquidated in its own guarded call (an item that became invalid, e.g. a competitor came
    // first, is skipped with its reason and reverts nothing else), the collateral of each (collateral, debt) pair
    // sold in one swap, and the profit checked per debt asset. What the Pool did not take is simply not spent.

    /// @dev One liquidation of a batch. `swap` indexes the batch's swaps: the one selling this item's collateral
    ///      for its debt asset. `minCollateral` is the per-item guard: the collateral the plan expects, at least.
    struct Item {
        address collateralAsset;
        address debtAsset;
        address user;
        uint256 debtToCover;
        uint256 minCollateral;
        uint256 swap;
    }

    /// @dev Sells all the collateral its items seized along `path` ([collateral, ..., debt]; empty when the
    ///      collateral is the debt asset), at no less than `minOutPerIn` debt units per 1e18 collateral units
    ///      (a price floor, valid whatever subset of the items ran: fewer items sell at a better price).
    struct Swap {
        address[] path;
        uint256 minOutPerIn;
    }

    /// @dev The batch. `debtAssets` lists each debt asset once; `minProfits[i]` is the least profit in
    ///      `debtAssets[i]` the whole batch must leave (the total check); `fromOwner`: the owner's tokens
    ///      (pulled, then returned with the proceeds) instead of a flash loan.
    struct Batch {
        Item[] items;
        Swap[] swaps;
        address[] debtAssets;
        uint256[] minProfits;
        bool fromOwner;
    }

    event BatchItemLiquidated(uint256 indexed index, address indexed user, uint256 debtCovered, uint256 collateralSeized);
    event BatchItemSkipped(uint256 indexed index, address indexed user, bytes reason);
    event BatchSettled(address indexed debtAsset, uint256 borrowed, uint256 profit);

    constructor(address addressesProvider, address swapRouter) {
        owner = msg.sender;
        pool = IPoolAddressesProvider(addressesProvider).getPool();
        router = swapRouter;
    }

    modifier onlyOwner() {
        if (msg.sender != owner) revert NotOwner();
        _;
    }

    // No receive() or fallback(): nothing here uses ETH (the swap is token to token), so a plain ETH
    // transfer reverts instead of being stranded. ETH forced in anyway (selfdestruct, coinbase) is
    // recoverable with rescueEth.

    /// @notice Flash-borrows `debtToCover` of `debtAsset` and liquidates `user` with it. `swapPath` sells
    ///         the seized collateral for the debt asset: `[collateralAsset, ..., debtAsset]`, or empty when
    ///         both are the same asset (nothing to sell). Reverts unless the owner gains `minProfit`.
    function liquidate(
        address collateralAsset,
        address debtAsset,
        address user,
        uint256 debtToCover,
        address[] calldata swapPath,
        uint256 minAmountOut,
        uint256 minProfit
    ) external onlyOwner {
        // Checked here, before the loan, so a bad path fails cheaply.
        if (collateralAsset == debtAsset) {
            if (swapPath.length != 0) revert BadSwapPath();
        } else if (swapPath.length < 2 || swapPath[0] != collateralAsset || swapPath[swapPath.length - 1] != debtAsset) {
            revert BadSwapPath();
        }
        IPool(pool).flashLoanSimple(
            address(this), debtAsset, debtToCover, abi.encode(Order(collateralAsset, user, minAmountOut, minProfit, swapPath)), 0
        );
    }

    /// @notice Aave's flash-loan callback. Everything, including the profit check and the payout, happens
    ///         here: after it returns the Pool pulls exactly `amount + premium`, so what is left above that
    ///         is the profit, and a revert here undoes the whole liquidation.
    function executeOperation(address asset, uint256 amount, uint256 premium, address initiator, bytes calldata params)
        external
        returns (bool)
    {
        // Only the Pool lends, and only loans this contract asked for (from liquidate, owner-only) are
        // served: anyone may call Pool.flashLoanSimple naming us as receiver, the initiator tells.
        if (msg.sender != pool) revert NotPool();
        if (initiator != address(this)) revert BadInitiator();

        Order memory order = abi.decode(params, (Order));

        // What we held before the loan arrived: never spent, never counted as profit.
        uint256 heldBefore = IERC20(asset).balanceOf(address(this)) - amount;
        (uint256 debtCovered, uint256 collateralSeized) = _liquidateAndSell(order, asset, amount);
        uint256 profit = _payOut(asset, heldBefore, amount + premium, order.minProfit);
        emit Liquidated(order.user, order.collateralAsset, asset, debtCovered, collateralSeized, profit);
        return true;
    }

    /// @dev Liquidates with the borrowed `amount` and sells what was seized for the debt asset.
    function _liquidateAndSell(Order memory order, address debtAsset, uint256 amount)
        private
        returns (uint256 debtCovered, uint256 collateralSeized)
    {
        address collateralAsset = order.collateralAsset;
        uint256 collateralBefore = IERC20(collateralAsset).balanceOf(address(this));
        // Approve exactly the loan: Aave may take less (close factor, or the user's collateral caps it),
        // and the allowance left over tells how much it took.
        _approve(debtAsset, pool, amount);
        IPool(pool).liquidationCall(collateralAsset, debtAsset, order.user, amount, false);
        uint256 unusedAllowance = IERC20(debtAsset).allowance(address(this), pool);
        debtCovered = amount - unusedAllowance;
        if (unusedAllowance != 0) _approve(debtAsset, pool, 0); // tokens like USDT refuse a non-zero to non-zero approval

        uint256 collateralAfter = IERC20(collateralAsset).balanceOf(address(this));
        if (collateralAsset == debtAsset) {
            // Same asset: the balance went down by the repaid debt and up by the seized collateral; nothing to sell.
            collateralSeized = collateralAfter + debtCovered - collateralBefore;
        } else {
            collateralSeized = collateralAfter - collateralBefore;
            _approve(collateralAsset, router, collateralSeized);
            IUniswapV2Router02(router).swapExactTokensForTokens(
                collateralSeized, order.minAmountOut, order.swapPath, address(this), block.timestamp
            );
        }
    }

    /// @dev Checks that the unused loan plus the proceeds cover `owed` with at least `minProfit` to spare,
    ///      pays the rest to the owner and lets the Pool pull `owed`.
    function _payOut(address debtAsset, uint256 heldBefore, uint256 owed, uint256 minProfit) private returns (uint256 profit) {
        uint256 available = IERC20(debtAsset).balanceOf(address(this)) - heldBefore;
        if (available < owed) revert RepaymentShortfall(available, owed);
        profit = available - owed;
        if (profit < minProfit) revert InsufficientProfit(profit, minProfit);
        if (profit != 0) _transfer(debtAsset, owner, profit);
        _approve(debtAsset, pool, owed);
    }

    /// @notice Liquidates a batch (see Batch). Owner only. Reverts only when the batch as a whole falls short of
    ///         a debt asset's minimum profit, or is malformed; items that fail are skipped.
    function liquidateBatch(Batch calldata batch) external onlyOwner {
        uint256 n = batch.debtAssets.length;
        if (n == 0 || batch.minProfits.length != n) revert BadBatch();
        uint256[] memory amounts = new uint256[](n);
        for (uint256 i = 0; i < batch.items.length; i++) {
            amounts[_indexOf(batch.debtAssets, batch.items[i].debtAsset)] += batch.items[i].debtToCover;
        }
        if (batch.fromOwner) {
            for (uint256 j = 0; j < n; j++) {
                _tokenCall(batch.debtAssets[j], abi.encodeWithSelector(0x23b872dd, owner, address(this), amounts[j])); // transferFrom
            }
            _runBatch(batch, amounts, new uint256[](n));
        } else {
            IPool(pool).flashLoan(address(this), batch.debtAssets, amounts, new uint256[](n), address(this), abi.encode(batch), 0);
        }
    }

    /// @notice The Pool's callback of a batch's flash loan: only the Pool, only for a loan this contract started.
    function executeOperation(
        address[] calldata assets,
        uint256[] calldata amounts,
        uint256[] calldata premiums,
        address initiator,
        bytes calldata params
    ) external returns (bool) {
        if (msg.sender != pool) revert NotPool();
        if (initiator != address(this)) revert BadInitiator();
        Batch memory batch = abi.decode(params, (Batch));
        if (assets.length != batch.debtAssets.length) revert BadBatch();
        _runBatch(batch, amounts, premiums);
        return true;
    }

    /// @notice One item, run by the contract on itself so that its failure reverts only its own state.
    function liquidateItem(Item calldata item) external returns (uint256 debtCovered, uint256 collateralSeized) {
        if (msg.sender != address(this)) revert NotSelf();
        uint256 collateralBefore = IERC20(item.collateralAsset).balanceOf(address(this));
        _approve(item.debtAsset, pool, item.debtToCover);
        IPool(pool).liquidationCall(item.collateralAsset, item.debtAsset, item.user, item.debtToCover, false);
        uint256 unusedAllowance = IERC20(item.debtAsset).allowance(address(this), pool);
        debtCovered = item.debtToCover - unusedAllowance;
        if (unusedAllowance != 0) _approve(item.debtAsset, pool, 0);
        uint256 collateralAfter = IERC20(item.collateralAsset).balanceOf(address(this));
        // same asset: the balance went down by the repaid debt and up by the seized collateral
        collateralSeized = item.collateralAsset == item.debtAsset
            ? collateralAfter + debtCovered - collateralBefore
            : collateralAfter - collateralBefore;
        if (collateralSeized < item.minCollateral) revert CollateralShortfall(collateralSeized, item.minCollateral);
    }

    function _runBatch(Batch memory batch, uint256[] memory amounts, uint256[] memory premiums) private {
        uint256 n = batch.debtAssets.length;
        uint256[] memory heldBefore = new uint256[](n);
        for (uint256 j = 0; j < n; j++) {
            heldBefore[j] = IERC20(batch.debtAssets[j]).balanceOf(address(this)) - amounts[j];
        }
        uint256[] memory toSell = new uint256[](batch.swaps.length);
        for (uint256 i = 0; i < batch.items.length; i++) {
            Item memory item = batch.items[i];
            if (item.swap >= batch.swaps.length) revert BadBatch();
            try this.liquidateItem(item) returns (uint256 debtCovered, uint256 collateralSeized) {
                toSell[item.swap] += collateralSeized;
                emit BatchItemLiquidated(i, item.user, debtCovered, collateralSeized);
            } catch (bytes memory reason) {
                emit BatchItemSkipped(i, item.user, reason);
            }
        }
        for (uint256 k = 0; k < batch.swaps.length; k++) {
            address[] memory path = batch.swaps[k].path;
            if (path.length == 0 || toSell[k] == 0) continue;
            if (path.length < 2) revert BadSwapPath();
            _approve(path[0], router, toSell[k]);
            IUniswapV2Router02(router).swapExactTokensForTokens(
                toSell[k], toSell[k] * batch.swaps[k].minOutPerIn / 1e18, path, address(this), block.timestamp
            );
        }
        for (uint256 j = 0; j < n; j++) {
            address asset = batch.debtAssets[j];
            uint256 owed = amounts[j] + premiums[j];
            uint256 profit = _payOutBatch(asset, heldBefore[j], owed, batch.minProfits[j]);
            if (batch.fromOwner) {
                _transfer(asset, owner, owed); // the owner's own tokens back, what the Pool did not take included
            } else {
                _approve(asset, pool, owed);
            }
            emit BatchSettled(asset, amounts[j], profit);
        }
    }

    /// @dev Like _payOut, without approving the Pool (the caller settles per funding mode).
    function _payOutBatch(address debtAsset, uint256 heldBefore, uint256 owed, uint256 minProfit) private returns (uint256 profit) {
        uint256 available = IERC20(debtAsset).balanceOf(address(this)) - heldBefore;
        if (available < owed) revert RepaymentShortfall(available, owed);
        profit = available - owed;
        if (profit < minProfit) revert InsufficientProfit(profit, minProfit);
        if (profit != 0) _transfer(debtAsset, owner, profit);
    }

    function _indexOf(address[] calldata assets, address asset) private pure returns (uint256) {
        for (uint256 j = 0; j < assets.length; j++) {
            if (assets[j] == asset) return j;
        }
        revert BadBatch();
    }

    /// @notice Moves an ERC20 out (stray tokens, dust). Owner only; the only way tokens leave besides the payout.
    function rescue(address token, address to, uint256 amount) external onlyOwner {
        _transfer(token, to, amount);
    }

    /// @notice Moves ETH out (only forced-in ETH can be here). Owner only.
    function rescueEth(address payable to, uint256 amount) external onlyOwner {
        (bool ok,) = to.call{value: amount}("");
        if (!ok) revert EthTransferFailed();
    }

    // ERC20 calls through a low-level call that accepts tokens returning nothing (USDT) as well as
    // those returning a bool; a token's own revert is passed on as is, `false` or a call to an
    // address without code becomes TokenCallFailed.

    function _approve(address token, address spender, uint256 amount) private {
        _tokenCall(token, abi.encodeWithSelector(0x095ea7b3, spender, amount)); // approve(address,uint256)
    }

    function _transfer(address token, address to, uint256 amount) private {
        _tokenCall(token, abi.encodeWithSelector(0xa9059cbb, to, amount)); // transfer(address,uint256)
    }

    function _tokenCall(address token, bytes memory data) private {
        (bool ok, bytes memory result) = token.call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(result, 32), mload(result))
            }
        }
        if (result.length == 0 ? token.code.length == 0 : !abi.decode(result, (bool))) revert TokenCallFailed(token);
    }
}
