// Renderer entry: global styles, the status colours as CSS variables (from the shared table:
// app.css has no copy) and the root component.
import { statusColorVariables } from '@shared/labels.ts'
import { mount } from 'svelte'
import './app.css'
import App from './App.svelte'

for (const [name, color] of statusColorVariables())
  document.documentElement.style.setProperty(name, color)

mount(App, { target: document.getElementById('app')! })
