import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { createClient } from './api/index.ts'
import { setBackend } from './stores/backend.ts'
import { createAppRouter } from './router.ts'
import './styles/theme.css'

setBackend(createClient())

createApp(App).use(createPinia()).use(createAppRouter()).mount('#app')
