global using WebFrontend.Extensions;
