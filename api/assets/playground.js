// Starts GraphiQL against this server's /graphql with the headers editor open, so an admin can
// paste {"Authorization": "Bearer <token>"} there.
(function () {
  var fetcher = GraphiQL.createFetcher({ url: window.location.origin + '/graphql' });
  var defaultQuery = '# Put {"Authorization": "Bearer <your API token>"} in the Headers tab below, then run:\n' +
    '{\n  viewer { tenant user role }\n}\n';
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultQuery: defaultQuery,
    defaultEditorToolsVisibility: 'headers',
    // Tokens stay out of localStorage.
    shouldPersistHeaders: false,
  }));
})();
