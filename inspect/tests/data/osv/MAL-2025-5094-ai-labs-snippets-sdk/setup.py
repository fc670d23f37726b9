from setuptools import setup
setup(name="ai-labs-snippets-sdk", version="0.1.0", packages=["ailabs"])
