// The API docs page (/docs): Swagger UI on /openapi.json, from a file since the CSP allows no inline script.
window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
