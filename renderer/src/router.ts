// Routes: one per view. Hash history works both from file:// in Electron and from web mode.
import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router'

export const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/overview' },
  {
    path: '/overview',
    name: 'overview',
    component: () => import('./views/OverviewView.vue'),
    meta: { title: 'Overview' },
  },
  {
    path: '/connections',
    name: 'connections',
    component: () => import('./views/ConnectionsView.vue'),
    meta: { title: 'Connections' },
  },
  {
    path: '/topics',
    name: 'topics',
    component: () => import('./views/TopicsView.vue'),
    meta: { title: 'Topics' },
  },
  {
    path: '/topics/:name',
    name: 'topic',
    component: () => import('./views/TopicDetailView.vue'),
    props: true,
    meta: { title: 'Topic' },
  },
  {
    path: '/groups',
    name: 'groups',
    component: () => import('./views/GroupsView.vue'),
    meta: { title: 'Consumer groups' },
  },
  {
    path: '/groups/:id',
    name: 'group',
    component: () => import('./views/GroupDetailView.vue'),
    props: true,
    meta: { title: 'Consumer group' },
  },
  {
    path: '/quotas',
    name: 'quotas',
    component: () => import('./views/QuotasView.vue'),
    meta: { title: 'Quotas' },
  },
  { path: '/acls', name: 'acls', component: () => import('./views/AclsView.vue'), meta: { title: 'ACLs' } },
  { path: '/:rest(.*)*', redirect: '/overview' },
]

export function createAppRouter() {
  return createRouter({ history: createWebHashHistory(), routes })
}
