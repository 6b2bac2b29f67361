import { render } from 'preact';
import { App } from './app.tsx';
import { keepAccountLocale } from './lib/account-locale.ts';
import { renew } from './session.ts';
import './styles.css';

keepAccountLocale();
void renew();
render(<App />, document.getElementById('app') as HTMLElement);
