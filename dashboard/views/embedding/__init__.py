"""The embedding explorer (UMAP of a layer's features): its view and the parts it is made of."""
