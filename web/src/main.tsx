import { render } from 'preact';
import { App } from './app.tsx';
import { renew } from './session.ts';
import './styles.css';

void renew();
render(<App />, document.getElementById('app') as HTMLElement);
