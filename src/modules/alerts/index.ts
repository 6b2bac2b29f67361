// Sell-out alerts: what other parts of the service may use.
export { checkSellout, selloutAlertsRaised, selloutCheckFailures, selloutWatch } from './check-sellout.ts';
export { renderAlert, SELLOUT_ALERT } from './messages.ts';
